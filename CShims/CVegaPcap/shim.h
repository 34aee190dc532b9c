/* libpcap (Debian: libpcap-dev): capture files written and read with nanosecond precision. */
#include <pcap/pcap.h>
