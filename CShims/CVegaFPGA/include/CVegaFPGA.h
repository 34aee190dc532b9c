#ifndef CVegaFPGA_H
#define CVegaFPGA_H
#endif
