/* CVegaExaNIC: see include/CVegaExaNIC.h */
