#ifndef CVegaExaNIC_H
#define CVegaExaNIC_H
#endif
