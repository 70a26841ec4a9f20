/*
 * -netdev and -nic, qemu-system-ppc64's spellings (vmm/cli.h): the user
 * network (libslirp: NAT, DHCP, DNS, TFTP, port forwards) and tap
 * interfaces, with the defaults a QEMU user expects -- 10.0.2.0/24, the
 * host at .2, DNS at .3, DHCP from .15.  Every value is checked here;
 * anything else is one clear error line.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define fail(err, errlen, ...) (cli_format_error((err), (errlen), __VA_ARGS__), CLI_ERROR)

/* A dotted-quad IPv4 address, in host byte order. */
static bool parse_ipv4(const char *s, uint32_t *out)
{
    struct in_addr a;

    if (inet_pton(AF_INET, s, &a) != 1)
        return false;
    *out = ntohl(a.s_addr);
    return true;
}

/* A port 1..65535. */
static bool parse_port(const char *s, uint16_t *out)
{
    char *end;
    unsigned long v;

    if (!*s)
        return false;
    v = strtoul(s, &end, 10);
    if (*end || v == 0 || v > 65535)
        return false;
    *out = (uint16_t)v;
    return true;
}

/* net=A.B.C.D[/N]: N in 8..30 leaves room for host, DNS and DHCP. */
static bool parse_net(const char *value, uint32_t *net, uint32_t *mask)
{
    char s[64], *slash;
    unsigned long bits = 24;

    if (strlen(value) >= sizeof(s))
        return false;
    strcpy(s, value);
    slash = strchr(s, '/');
    if (slash) {
        char *end;
        *slash = 0;
        bits = strtoul(slash + 1, &end, 10);
        if (!slash[1] || *end || bits < 8 || bits > 30)
            return false;
    }
    if (!parse_ipv4(s, net))
        return false;
    *mask = ~0u << (32 - bits);
    *net &= *mask;
    return true;
}

/* hostfwd=[tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT */
static bool parse_hostfwd(char *s, struct netdev_hostfwd *f)
{
    char *dash = strchr(s, '-'), *colon;

    memset(f, 0, sizeof(*f));
    if (!dash)
        return false;
    *dash = 0;
    if (!strncmp(s, "tcp:", 4)) {
        s += 4;
    } else if (!strncmp(s, "udp:", 4)) {
        f->udp = true;
        s += 4;
    } else if (*s == ':') {
        s++;
    } else {
        return false;
    }
    colon = strchr(s, ':');
    if (!colon)
        return false;
    *colon = 0;
    if ((*s && !parse_ipv4(s, &f->host_addr)) || !parse_port(colon + 1, &f->host_port))
        return false;
    s = dash + 1;
    colon = strchr(s, ':');
    if (!colon)
        return false;
    *colon = 0;
    return (!*s || parse_ipv4(s, &f->guest_addr)) && parse_port(colon + 1, &f->guest_port);
}

static bool on_off(const char *v, bool *out)
{
    if (!strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "true"))
        *out = true;
    else if (!strcmp(v, "off") || !strcmp(v, "no") || !strcmp(v, "false"))
        *out = false;
    else
        return false;
    return true;
}

bool cli_parse_mac(const char *s, uint8_t mac[6])
{
    for (unsigned i = 0; i < 6; i++) {
        char hex[3] = {0}, *end;
        if (!s[0] || !s[1] || (i < 5 ? s[2] != ':' : s[2] != 0))
            return false;
        hex[0] = s[0];
        hex[1] = s[1];
        mac[i] = (uint8_t)strtoul(hex, &end, 16);
        if (*end)
            return false;
        s += 3;
    }
    return !(mac[0] & 1); /* a station address is not a group address */
}

static bool in_net(const struct netdev_config *n, uint32_t a)
{
    uint32_t hostpart = a & ~n->mask;

    return (a & n->mask) == n->net && hostpart && hostpart != ~n->mask;
}

/* The options of user and tap that -netdev and -nic share; *opts is left
 * at what neither knows (-nic's model= and mac=), NULL when done. */
static enum cli_action parse_backend(const char *what, char **opts, struct netdev_config *n,
                                     char *err, size_t errlen, char **rest_model, char **rest_mac)
{
    char *item;
    bool have_host = false, have_dns = false, have_dhcp = false;

    while ((item = cli_next_opt(opts))) {
        char *eq = strchr(item, '='), *v = eq ? eq + 1 : NULL;
        bool ok = v != NULL;

        if (eq)
            *eq = 0;
        if (!strcmp(item, "id") && v && *v) {
            n->id = v;
        } else if (rest_model && !strcmp(item, "model") && v) {
            *rest_model = v;
        } else if (rest_mac && !strcmp(item, "mac") && v) {
            *rest_mac = v;
        } else if (n->kind == NETDEV_USER && !strcmp(item, "net")) {
            ok = ok && parse_net(v, &n->net, &n->mask);
        } else if (n->kind == NETDEV_USER && !strcmp(item, "host")) {
            ok = ok && parse_ipv4(v, &n->host);
            have_host = true;
        } else if (n->kind == NETDEV_USER && !strcmp(item, "dns")) {
            ok = ok && parse_ipv4(v, &n->dns);
            have_dns = true;
        } else if (n->kind == NETDEV_USER && !strcmp(item, "dhcpstart")) {
            ok = ok && parse_ipv4(v, &n->dhcp_start);
            have_dhcp = true;
        } else if (n->kind == NETDEV_USER && !strcmp(item, "tftp")) {
            ok = ok && *v;
            n->tftp = v;
        } else if (n->kind == NETDEV_USER && !strcmp(item, "bootfile")) {
            ok = ok && *v;
            n->bootfile = v;
        } else if (n->kind == NETDEV_USER && !strcmp(item, "hostname")) {
            ok = ok && *v;
            n->hostname = v;
        } else if (n->kind == NETDEV_USER && !strcmp(item, "ipv6")) {
            ok = ok && on_off(v, &n->ipv6);
        } else if (n->kind == NETDEV_USER && !strcmp(item, "ipv4")) {
            bool on = true;
            ok = ok && on_off(v, &on) && on; /* IPv4 cannot be turned off */
        } else if (n->kind == NETDEV_USER && !strcmp(item, "restrict")) {
            ok = ok && on_off(v, &n->restrict_);
        } else if (n->kind == NETDEV_USER && !strcmp(item, "hostfwd")) {
            if (n->n_fwd == CLI_MAX_HOSTFWD)
                return fail(err, errlen, "%s: at most %u hostfwd=", what, CLI_MAX_HOSTFWD);
            if (!ok || !parse_hostfwd(v, &n->fwd[n->n_fwd]))
                return fail(err, errlen,
                            "%s: bad hostfwd (tcp|udp:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT)",
                            what);
            n->n_fwd++;
        } else if (n->kind == NETDEV_TAP && !strcmp(item, "ifname")) {
            ok = ok && *v && strlen(v) < 16; /* IFNAMSIZ */
            n->ifname = v;
        } else if (n->kind == NETDEV_TAP &&
                   (!strcmp(item, "script") || !strcmp(item, "downscript"))) {
            if (!v || strcmp(v, "no"))
                return fail(err, errlen, "%s: only %s=no (petrel runs no scripts)", what, item);
        } else {
            if (eq)
                *eq = '=';
            return fail(err, errlen, "%s: unknown option '%s'", what, item);
        }
        if (!ok)
            return fail(err, errlen, "%s: bad value for %s%s%s", what, item, v ? ": " : "",
                        v ? v : "");
    }
    if (n->kind != NETDEV_USER)
        return CLI_RUN;
    if (!have_host)
        n->host = n->net | 2;
    if (!have_dns)
        n->dns = n->net | 3;
    if (!have_dhcp)
        n->dhcp_start = n->net | 15;
    if (!in_net(n, n->host) || !in_net(n, n->dns) || !in_net(n, n->dhcp_start))
        return fail(err, errlen, "%s: host, dns and dhcpstart must lie inside net=", what);
    if (n->host == n->dns || n->dhcp_start == n->host || n->dhcp_start == n->dns)
        return fail(err, errlen, "%s: host, dns and dhcpstart must differ", what);
    return CLI_RUN;
}

static void netdev_defaults(struct netdev_config *n, enum netdev_kind kind)
{
    memset(n, 0, sizeof(*n));
    n->kind = kind;
    n->net = 0x0a000200; /* 10.0.2.0/24 */
    n->mask = 0xffffff00;
    n->ipv6 = true;
}

static bool parse_kind(const char *s, enum netdev_kind *kind)
{
    if (!strcmp(s, "user"))
        *kind = NETDEV_USER;
    else if (!strcmp(s, "tap"))
        *kind = NETDEV_TAP;
    else
        return false;
    return true;
}

static int find_netdev(const struct machine_config *cfg, const char *id)
{
    for (unsigned i = 0; i < cfg->n_netdevs; i++)
        if (cfg->netdev[i].id && !strcmp(cfg->netdev[i].id, id))
            return (int)i;
    return -1;
}

enum cli_action cli_parse_netdev(char *arg, struct machine_config *cfg, char *err, size_t errlen)
{
    char *opts = arg, *type = cli_next_opt(&opts);
    struct netdev_config n;
    enum netdev_kind kind;
    enum cli_action a;

    if (!parse_kind(type, &kind))
        return fail(err, errlen, "-netdev: unknown type '%s' (user, tap)", type);
    netdev_defaults(&n, kind);
    if ((a = parse_backend("-netdev", &opts, &n, err, errlen, NULL, NULL)) != CLI_RUN)
        return a;
    if (!n.id)
        return fail(err, errlen, "-netdev %s: needs id=ID", type);
    if (find_netdev(cfg, n.id) >= 0)
        return fail(err, errlen, "-netdev: duplicate id '%s'", n.id);
    if (cfg->n_netdevs == CLI_MAX_NETDEVS)
        return fail(err, errlen, "-netdev: at most %u", CLI_MAX_NETDEVS);
    cfg->netdev[cfg->n_netdevs++] = n;
    return CLI_RUN;
}

/* -nic user|tap[,OPTIONS][,model=virtio-net-pci][,mac=M]: a netdev and
 * its NIC in one; -nic none adds nothing (petrel has no default NIC). */
enum cli_action cli_parse_nic(char *arg, struct machine_config *cfg, char *err, size_t errlen)
{
    char *opts = arg, *type = cli_next_opt(&opts), *model = NULL, *mac = NULL;
    struct netdev_config n;
    struct pci_device_config d = {.kind = PCI_DEV_VIRTIO_NET, .slot = -1, .drive = -1};
    enum netdev_kind kind;
    enum cli_action a;

    if (!strcmp(type, "none") && !opts)
        return CLI_RUN;
    if (!parse_kind(type, &kind))
        return fail(err, errlen, "-nic: unknown type '%s' (user, tap, none)", type);
    netdev_defaults(&n, kind);
    if ((a = parse_backend("-nic", &opts, &n, err, errlen, &model, &mac)) != CLI_RUN)
        return a;
    if (model && strcmp(model, "virtio-net-pci") && strcmp(model, "virtio"))
        return fail(err, errlen, "-nic: unknown model '%s' (virtio-net-pci)", model);
    if (mac && !cli_parse_mac(mac, d.mac))
        return fail(err, errlen, "-nic: bad mac '%s' (52:54:00:xx:xx:xx; not multicast)", mac);
    if (n.id && find_netdev(cfg, n.id) >= 0)
        return fail(err, errlen, "-nic: duplicate id '%s'", n.id);
    if (cfg->n_netdevs == CLI_MAX_NETDEVS)
        return fail(err, errlen, "-netdev: at most %u", CLI_MAX_NETDEVS);
    if (cfg->n_pci == CLI_MAX_PCI_DEVICES)
        return fail(err, errlen, "-device: at most %u PCI devices", CLI_MAX_PCI_DEVICES);
    n.used = true;
    d.netdev = (int)cfg->n_netdevs;
    d.mac_set = mac != NULL;
    cfg->netdev[cfg->n_netdevs++] = n;
    cfg->pci[cfg->n_pci++] = d;
    return CLI_RUN;
}
