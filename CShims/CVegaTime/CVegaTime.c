/* CVegaTime: see include/CVegaTime.h */
