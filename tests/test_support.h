/* Helpers several cmocka tests share: reading a fixture file whole (a
 * missing file fails the test) and removing a test's scratch folder. Test
 * code only: include after <cmocka.h>. */
#ifndef KIOSK_TEST_SUPPORT_H
#define KIOSK_TEST_SUPPORT_H

#include <stddef.h>

/* The whole file at `path`, NUL-terminated; caller frees. Fails the
 * running test when it cannot be read. */
char *test_read_file(const char *path, size_t *out_len);

/* Removes `path` and everything below it; a missing path is fine. */
void test_remove_tree(const char *path);

#endif
