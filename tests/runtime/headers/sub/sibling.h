/* found next to nested.h, not on the search path */
#define SIBLING_VAL 9
