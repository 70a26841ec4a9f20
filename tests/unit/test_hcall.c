/*
 * hcall dispatch: the table, bad opcodes, the console hcalls with good and
 * bad terminal numbers and lengths, the console's escape handling, and
 * the private services' argument checks.
 */
#include <fcntl.h>
#include <unistd.h>

#include <petrel/papr.h>
#include <petrel/service.h>

#include "check.h"
#include "hcall/hcall.h"
#include "vmm/console.h"

static unsigned powered_off = 1000, reboots;

static void fake_power_off(void *m, unsigned status)
{
    (void)m;
    powered_off = status;
}

static void fake_reboot(void *m)
{
    (void)m;
    reboots++;
}

static size_t drain(int fd, char *buf, size_t max)
{
    ssize_t n = read(fd, buf, max);
    return n > 0 ? (size_t)n : 0;
}

static uint64_t pack(const char *s, unsigned off)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < 8 && s[off + i]; i++)
        v |= (uint64_t)(uint8_t)s[off + i] << (56 - 8 * i);
    return v;
}

static void test_unknown_opcodes(struct hcall_env *env)
{
    static const uint64_t bad[] = {
        0x0,    0x4,    0x5,    0x56,   0x5a,    0x500, 0x1000,
        0xf000, 0xf005, 0xf102, 0xfffc, 0x10000, ~0ull, 1ull << 32 | H_PUT_TERM_CHAR};
    uint64_t args[9] = {PAPR_VTERM_UNIT, 1, pack("x", 0)}, out[9];

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        memset(out, 0xff, sizeof(out));
        CHECK_EQ(hcall_dispatch(env, bad[i], args, out), (uint64_t)H_FUNCTION);
        CHECK_EQ(out[0], 0);
        CHECK(hcall_lookup(bad[i]) == NULL);
    }
    CHECK_STREQ(hcall_lookup(H_PUT_TERM_CHAR)->name, "H_PUT_TERM_CHAR");
    CHECK_STREQ(hcall_lookup(PETREL_H_POWER_OFF)->name, "PETREL_H_POWER_OFF");
}

static void test_put_term_char(struct hcall_env *env, int rd)
{
    const char *msg = "0123456789abcdefXYZ";
    uint64_t args[9] = {0}, out[9];
    char buf[64];

    args[0] = PAPR_VTERM_UNIT;
    args[1] = 5;
    args[2] = pack("hello", 0);
    CHECK_EQ(hcall_dispatch(env, H_PUT_TERM_CHAR, args, out), H_SUCCESS);
    CHECK_EQ(drain(rd, buf, sizeof(buf)), 5);
    CHECK(memcmp(buf, "hello", 5) == 0);

    args[1] = 16;
    args[2] = pack(msg, 0);
    args[3] = pack(msg, 8);
    CHECK_EQ(hcall_dispatch(env, H_PUT_TERM_CHAR, args, out), H_SUCCESS);
    CHECK_EQ(drain(rd, buf, sizeof(buf)), 16);
    CHECK(memcmp(buf, msg, 16) == 0);

    args[1] = 0;
    CHECK_EQ(hcall_dispatch(env, H_PUT_TERM_CHAR, args, out), H_SUCCESS);

    /* Too long, or a terminal that does not exist: H_PARAMETER, no output. */
    args[1] = 17;
    CHECK_EQ(hcall_dispatch(env, H_PUT_TERM_CHAR, args, out), (uint64_t)H_PARAMETER);
    args[1] = ~0ull;
    CHECK_EQ(hcall_dispatch(env, H_PUT_TERM_CHAR, args, out), (uint64_t)H_PARAMETER);
    args[1] = 1;
    args[0] = 0;
    CHECK_EQ(hcall_dispatch(env, H_PUT_TERM_CHAR, args, out), (uint64_t)H_PARAMETER);
    args[0] = PAPR_VTERM_UNIT + 1;
    CHECK_EQ(hcall_dispatch(env, H_PUT_TERM_CHAR, args, out), (uint64_t)H_PARAMETER);
    args[0] = (1ull << 32) | PAPR_VTERM_UNIT;
    CHECK_EQ(hcall_dispatch(env, H_PUT_TERM_CHAR, args, out), (uint64_t)H_PARAMETER);
    CHECK_EQ(drain(rd, buf, sizeof(buf)), 0);
}

static void test_get_term_char(struct hcall_env *env)
{
    uint64_t args[9] = {PAPR_VTERM_UNIT}, out[9];
    const char *in = "abcdefghijklmnopqrst"; /* 20 bytes */

    CHECK_EQ(hcall_dispatch(env, H_GET_TERM_CHAR, args, out), H_SUCCESS);
    CHECK_EQ(out[0], 0);

    CHECK_EQ(console_feed(env->console, (const uint8_t *)in, 20), CONSOLE_EV_NONE);
    CHECK_EQ(hcall_dispatch(env, H_GET_TERM_CHAR, args, out), H_SUCCESS);
    CHECK_EQ(out[0], 16);
    CHECK_EQ(out[1], pack(in, 0));
    CHECK_EQ(out[2], pack(in, 8));
    CHECK_EQ(hcall_dispatch(env, H_GET_TERM_CHAR, args, out), H_SUCCESS);
    CHECK_EQ(out[0], 4);
    CHECK_EQ(out[1], pack("qrst", 0));
    CHECK_EQ(out[2], 0);

    args[0] = 0x30000000;
    CHECK_EQ(hcall_dispatch(env, H_GET_TERM_CHAR, args, out), (uint64_t)H_PARAMETER);
}

static void test_escapes(struct hcall_env *env)
{
    uint64_t args[9] = {PAPR_VTERM_UNIT}, out[9];

    /* Ctrl-A Ctrl-A is one literal Ctrl-A; Ctrl-A c and x are commands. */
    CHECK_EQ(console_feed(env->console, (const uint8_t *)"\x01\x01z", 3), CONSOLE_EV_NONE);
    CHECK_EQ(console_feed(env->console, (const uint8_t *)"\x01", 1), CONSOLE_EV_NONE);
    CHECK_EQ(console_feed(env->console, (const uint8_t *)"c", 1), CONSOLE_EV_CONTINUE);
    CHECK_EQ(console_feed(env->console,
                          (const uint8_t *)"\x01x\x01"
                                           "c",
                          4),
             CONSOLE_EV_QUIT);
    CHECK_EQ(hcall_dispatch(env, H_GET_TERM_CHAR, args, out), H_SUCCESS);
    CHECK_EQ(out[0], 2);
    CHECK_EQ(out[1], pack("\x01z", 0));
}

static void test_services(struct hcall_env *env)
{
    uint64_t args[9] = {0}, out[9];

    args[0] = 256;
    CHECK_EQ(hcall_dispatch(env, PETREL_H_POWER_OFF, args, out), (uint64_t)H_PARAMETER);
    CHECK_EQ(powered_off, 1000);
    args[0] = ~0ull;
    CHECK_EQ(hcall_dispatch(env, PETREL_H_POWER_OFF, args, out), (uint64_t)H_PARAMETER);
    CHECK_EQ(powered_off, 1000);
    args[0] = 7;
    CHECK_EQ(hcall_dispatch(env, PETREL_H_POWER_OFF, args, out), H_SUCCESS);
    CHECK_EQ(powered_off, 7);
    CHECK_EQ(hcall_dispatch(env, PETREL_H_REBOOT, args, out), H_SUCCESS);
    CHECK_EQ(reboots, 1);
}

int main(void)
{
    int pipe_out[2], pipe_in[2];
    struct hcall_env env = {.power_off = fake_power_off, .reboot = fake_reboot};

    if (pipe(pipe_out) || pipe(pipe_in))
        return 2;
    fcntl(pipe_out[0], F_SETFL, O_NONBLOCK);
    env.console = console_open(pipe_in[0], pipe_out[1]);
    test_unknown_opcodes(&env);
    test_put_term_char(&env, pipe_out[0]);
    test_get_term_char(&env);
    test_escapes(&env);
    test_services(&env);
    console_close(env.console);
    return check_summary("hcall");
}
