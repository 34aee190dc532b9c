#ifndef CVegaTime_H
#define CVegaTime_H
#endif
