/* Test header for the macro reader (headers.test). */
#ifndef TOP_H
#define TOP_H

#include "sub/nested.h"
#include <other.h>
#include "sub/nested.h" /* read once */
#include <does/not/exist.h>

#define FROM_OTHER (OTHER_BASE << 2) /* a macro defined via others */
#define NEG_CAST ((int)-5)
#define CHAR_C 'A'
#define HEXV 0x10UL
#define TERN (NESTED_VAL > 10 ? 1 : 2)
#define NOT_CONST "a string"
#define FUNC_LIKE(x) ((x) + 1)

#if defined(NESTED_H) && NESTED_VAL >= 40
#define BRANCH 1
#elif NESTED_VAL > 10
#define BRANCH 2
#else
#define BRANCH 3
#endif

#ifdef UNDEFINED_THING
#define GUARDED 100
#else
#if UNKNOWN_MACRO /* unknown: 0, as in cpp */
#define GUARDED 101
#elif !defined UNDEFINED_THING && (3 * 4 == 12) || 0
#define GUARDED 102
#endif
#endif

/* enumerators, some behind `#define X X` as glibc does */
enum colors {
	RED,
	GREEN = 5,
#define GREEN GREEN
	BLUE,
	SHIFTED = (1 << 3) | GREEN,
};

#if GREEN /* cpp knows no enums: 0 */
#define ENUM_IN_IF 1
#else
#define ENUM_IN_IF 0
#endif

#define TO_UNDEF 7
#undef TO_UNDEF

#endif
