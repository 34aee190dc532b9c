/* CVegaSys: see include/CVegaSys.h */
