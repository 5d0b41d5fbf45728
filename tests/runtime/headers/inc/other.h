#define OTHER_BASE 3
