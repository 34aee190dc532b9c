/* CVegaFPGA: see include/CVegaFPGA.h */
