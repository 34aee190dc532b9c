/* CVegaEFVI: see include/CVegaEFVI.h */
