#define NESTED_H
#define NESTED_VAL 42 // comment
#define CONTINUED (1 + \
	2)
#include "sibling.h"
