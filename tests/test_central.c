/* Tests for central.c that need no server (issue 14): the back-off, the
 * password file's rules (checked before any connection is tried), and a
 * refused connection's message, which names the host and never the
 * password. The forwarding itself is tested against a real PostgreSQL by
 * tests/central/central_*_test.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "central.h"
#include "config.h"

static void test_backoff_doubles_up_to_the_cap(void **state) {
    (void)state;
    assert_int_equal(central_backoff_ms(1, 60000), 250);
    assert_int_equal(central_backoff_ms(2, 60000), 500);
    assert_int_equal(central_backoff_ms(3, 60000), 1000);
    assert_int_equal(central_backoff_ms(9, 60000), 60000);
    assert_int_equal(central_backoff_ms(1000, 60000), 60000);
    assert_int_equal(central_backoff_ms(4, 1000), 1000);
}

static void write_file(const char *path, const char *text, mode_t mode) {
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    assert_int_equal(chmod(path, mode), 0);
}

static void test_password_file_rules(void **state) {
    (void)state;
    char dir[] = "/tmp/test_central_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char open_pw[256], missing[256], good[256];
    snprintf(open_pw, sizeof open_pw, "%s/open", dir);
    snprintf(missing, sizeof missing, "%s/missing", dir);
    snprintf(good, sizeof good, "%s/good", dir);
    write_file(open_pw, "s3cret-open\n", 0644);
    write_file(good, "s3cret-good\n", 0600);

    Config cfg;
    config_defaults(&cfg);
    /* Port 1 on loopback: nothing listens, so the refusal is immediate. */
    snprintf(cfg.central.host, sizeof cfg.central.host, "127.0.0.1");
    cfg.central.port = 1;
    cfg.central.connect_timeout_ms = 2000;
    Central *c = central_create(&cfg.central, "kiosk-test");
    assert_non_null(c);
    char err[1024];

    snprintf(cfg.central.password_file, sizeof cfg.central.password_file, "%s", open_pw);
    assert_int_equal(central_connect(c, err, sizeof err), KS_ERR_INVALID);
    assert_non_null(strstr(err, "chmod 600"));
    assert_null(strstr(err, "s3cret"));

    snprintf(cfg.central.password_file, sizeof cfg.central.password_file, "%s", missing);
    assert_int_equal(central_connect(c, err, sizeof err), KS_ERR_IO);
    assert_non_null(strstr(err, "No such file"));

    snprintf(cfg.central.password_file, sizeof cfg.central.password_file, "%s", good);
    assert_int_equal(central_connect(c, err, sizeof err), KS_ERR_IO);
    assert_non_null(strstr(err, "connect to 127.0.0.1:1 as kiosk"));
    assert_null(strstr(err, "s3cret"));
    assert_false(central_connected(c));
    central_destroy(c);
    unlink(open_pw);
    unlink(good);
    rmdir(dir);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_backoff_doubles_up_to_the_cap),
        cmocka_unit_test(test_password_file_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
