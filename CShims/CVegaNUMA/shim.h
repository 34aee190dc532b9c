/* libnuma (Debian: libnuma-dev). numa_alloc_onnode() on a node that does not exist prints
 * "mbind: Invalid argument" and returns node-0 memory: callers check the node first. */
#include <numa.h>
#include <numaif.h>
