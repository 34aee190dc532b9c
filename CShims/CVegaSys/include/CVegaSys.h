#ifndef CVegaSys_H
#define CVegaSys_H
#endif
