/* CVegaNet: see include/CVegaNet.h */
