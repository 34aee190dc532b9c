#ifndef CVegaEFVI_H
#define CVegaEFVI_H
#endif
