#ifndef CVegaNet_H
#define CVegaNet_H
#endif
