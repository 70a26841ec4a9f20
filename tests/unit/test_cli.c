/*
 * Command-line parsing: accepted spellings and values, and the error line
 * for each kind of bad input.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <petrel/layout.h>

#include "check.h"
#include "vmm/cli.h"
#include "vmm/monitor/monitor.h"

static char err[512];
static struct machine_config cfg;

static enum cli_action parse(const char *first, ...)
{
    static char *copies[32];
    char *argv[32] = {"petrel"};
    int argc = 1;
    va_list ap;
    const char *a;

    va_start(ap, first);
    for (a = first; a; a = va_arg(ap, const char *))
        argv[argc++] = (char *)a;
    va_end(ap);
    /* cli_parse edits option strings in place: give it copies. */
    for (int i = 1; i < 32; i++) {
        free(copies[i]);
        copies[i] = i < argc ? strdup(argv[i]) : NULL;
        argv[i] = copies[i];
    }
    return cli_parse(argc, argv, &cfg, err, sizeof(err));
}

#define CHECK_ERR(substr, ...)                                                                     \
    do {                                                                                           \
        CHECK_EQ(parse(__VA_ARGS__, NULL), CLI_ERROR);                                             \
        CHECK(strstr(err, substr) != NULL);                                                        \
        CHECK(strncmp(err, "petrel: ", 8) == 0);                                                   \
        CHECK(strchr(err, '\n') == NULL);                                                          \
    } while (0)

static void test_defaults(void)
{
    CHECK_EQ(parse(NULL), CLI_RUN);
    CHECK_EQ(cfg.ram_size, 512ull << 20);
    CHECK_EQ(cfg.cpus, 1);
    CHECK_EQ(cfg.pvr, PVR_POWER9);
    CHECK_EQ(cfg.ic_mode, IC_MODE_DUAL);
    CHECK_EQ(cfg.boot_protocol, BOOT_PROTOCOL_AUTO);
    CHECK(!cfg.no_reboot && !cfg.start_stopped);
    CHECK_EQ(cfg.cpu_level, PVR_COMPAT_POWER9);
    CHECK_EQ(cfg.max_compat_pvr, 0);
    CHECK_EQ(cfg.max_compat_level, 0);
    CHECK(cfg.name == NULL && cfg.dumpdtb == NULL);
    CHECK(!cfg.no_jit);
    CHECK(!cfg.irq_test_device);
    CHECK_EQ(parse("-device", "petrel-irq-test", NULL), CLI_RUN);
    CHECK(cfg.irq_test_device);
    CHECK_EQ(cfg.phbs, 1);
    CHECK_EQ(cfg.n_pci, 0);
}

static void test_pci(void)
{
    CHECK_EQ(parse("-device", "spapr-pci-host-bridge,index=2", "-device", "petrel-pci-test,addr=1",
                   "-device", "petrel-pci-test", "-device", "virtio-rng-pci,bus=pci.2,addr=0x1f",
                   "-drive", "file=a.img,if=none,id=d0,format=raw", "-device",
                   "virtio-blk-pci,drive=d0,bus=pci.1", "-drive", "file=b.img,readonly=on", NULL),
             CLI_RUN);
    CHECK_EQ(cfg.phbs, 3);
    CHECK_EQ(cfg.n_pci, 5);
    CHECK_EQ(cfg.pci[0].kind, PCI_DEV_TEST);
    CHECK_EQ(cfg.pci[0].slot, 1);
    CHECK_EQ(cfg.pci[1].slot, 0); /* the lowest free slot of pci.0 */
    CHECK_EQ(cfg.pci[2].kind, PCI_DEV_VIRTIO_RNG);
    CHECK_EQ(cfg.pci[2].phb, 2);
    CHECK_EQ(cfg.pci[2].slot, 0x1f);
    CHECK_EQ(cfg.pci[3].kind, PCI_DEV_VIRTIO_BLK);
    CHECK_EQ(cfg.pci[3].phb, 1);
    CHECK_EQ(cfg.pci[3].drive, 0);
    CHECK_EQ(cfg.pci[4].kind, PCI_DEV_VIRTIO_BLK); /* if=virtio by default */
    CHECK_EQ(cfg.pci[4].slot, 2);
    CHECK_EQ(cfg.pci[4].drive, 1);
    CHECK_EQ(cfg.n_drives, 2);
    CHECK_STREQ(cfg.drive[0].file, "a.img");
    CHECK(!cfg.drive[0].readonly && cfg.drive[1].readonly);
}

static void test_net(void)
{
    const struct netdev_config *n;

    /* -device before -netdev is fine: references resolve at the end. */
    CHECK_EQ(parse("-device", "virtio-net-pci,netdev=u1,addr=4", "-netdev",
                   "user,id=u1,net=192.168.76.0/22,tftp=/srv/tftp,bootfile=vmlinux,"
                   "hostfwd=tcp::5555-:22,hostfwd=udp:127.0.0.1:6000-10.0.2.9:53,ipv6=off",
                   "-netdev", "tap,id=t0,ifname=tap7,script=no,downscript=no", "-device",
                   "virtio-net-pci,netdev=t0,mac=52:54:00:ab:cd:ef", "-nic",
                   "user,mac=02:00:00:00:00:01", NULL),
             CLI_RUN);
    CHECK_EQ(cfg.n_netdevs, 3);
    CHECK_EQ(cfg.n_pci, 3);
    n = &cfg.netdev[0];
    CHECK_EQ(n->kind, NETDEV_USER);
    CHECK_STREQ(n->id, "u1");
    CHECK_EQ(n->net, 0xc0a84c00);
    CHECK_EQ(n->mask, 0xfffffc00);
    CHECK_EQ(n->host, 0xc0a84c02);
    CHECK_EQ(n->dns, 0xc0a84c03);
    CHECK_EQ(n->dhcp_start, 0xc0a84c0f);
    CHECK_STREQ(n->tftp, "/srv/tftp");
    CHECK_STREQ(n->bootfile, "vmlinux");
    CHECK(!n->ipv6);
    CHECK_EQ(n->n_fwd, 2);
    CHECK(!n->fwd[0].udp && n->fwd[0].host_addr == 0 && n->fwd[0].host_port == 5555 &&
          n->fwd[0].guest_addr == 0 && n->fwd[0].guest_port == 22);
    CHECK(n->fwd[1].udp && n->fwd[1].host_addr == 0x7f000001 && n->fwd[1].host_port == 6000 &&
          n->fwd[1].guest_addr == 0x0a000209 && n->fwd[1].guest_port == 53);
    CHECK_EQ(cfg.netdev[1].kind, NETDEV_TAP);
    CHECK_STREQ(cfg.netdev[1].ifname, "tap7");
    CHECK_EQ(cfg.netdev[2].kind, NETDEV_USER);
    CHECK_EQ(cfg.netdev[2].net, 0x0a000200); /* the defaults */
    CHECK_EQ(cfg.netdev[2].host, 0x0a000202);
    CHECK_EQ(cfg.netdev[2].dns, 0x0a000203);
    CHECK_EQ(cfg.netdev[2].dhcp_start, 0x0a00020f);
    CHECK(cfg.netdev[2].ipv6);
    CHECK_EQ(cfg.pci[0].kind, PCI_DEV_VIRTIO_NET);
    CHECK_EQ(cfg.pci[0].netdev, 0);
    CHECK_EQ(cfg.pci[0].slot, 4);
    CHECK(!memcmp(cfg.pci[0].mac, "\x52\x54\x00\x12\x34\x56", 6)); /* the first default */
    CHECK_EQ(cfg.pci[1].netdev, 1);
    CHECK(!memcmp(cfg.pci[1].mac, "\x52\x54\x00\xab\xcd\xef", 6));
    CHECK_EQ(cfg.pci[2].kind, PCI_DEV_VIRTIO_NET); /* -nic's card */
    CHECK_EQ(cfg.pci[2].netdev, 2);
    CHECK(!memcmp(cfg.pci[2].mac, "\x02\x00\x00\x00\x00\x01", 6));
    /* Default MACs count up; -nic none adds nothing. */
    CHECK_EQ(parse("-nic", "user", "-nic", "tap,ifname=t9", "-nic", "none", NULL), CLI_RUN);
    CHECK_EQ(cfg.n_pci, 2);
    CHECK_EQ(cfg.pci[1].mac[5], 0x57);
    CHECK_EQ(cfg.netdev[1].kind, NETDEV_TAP);
    /* host=, dns=, dhcpstart= inside a given net. */
    CHECK_EQ(
        parse("-nic", "user,net=10.1.0.0/16,host=10.1.9.1,dns=10.1.9.2,dhcpstart=10.1.200.1", NULL),
        CLI_RUN);
    CHECK_EQ(cfg.netdev[0].host, 0x0a010901);
    CHECK_EQ(cfg.netdev[0].dhcp_start, 0x0a01c801);
}

static void test_accel(void)
{
    CHECK_EQ(parse("-accel", "tcg", NULL), CLI_RUN);
    CHECK(!cfg.no_jit);
    CHECK_EQ(parse("-accel", "tcg,jit=off", NULL), CLI_RUN);
    CHECK(cfg.no_jit);
    CHECK_EQ(parse("-accel", "tcg,jit=off,jit=on", NULL), CLI_RUN);
    CHECK(!cfg.no_jit);
    CHECK_ERR("-accel: accelerator 'kvm' is not available here", "-accel", "kvm");
    CHECK_ERR("-accel: accelerator 'jit=off' is not available here", "-accel", ",jit=off");
    CHECK_ERR("-accel: unknown option 'jit=maybe' (jit=on|off)", "-accel", "tcg,jit=maybe");
    CHECK_ERR("-accel: unknown option 'thread=multi'", "-accel", "tcg,thread=multi");
    CHECK_ERR("-accel: missing value", "-accel");
}

/* -icount (a deterministic timebase) and -incoming (a snapshot to start from). */
static void test_snapshot_options(void)
{
    CHECK_EQ(parse(NULL), CLI_RUN);
    CHECK(!cfg.icount && !cfg.incoming);
    CHECK_EQ(parse("-icount", "shift=3", NULL), CLI_RUN);
    CHECK(cfg.icount);
    CHECK_EQ(cfg.icount_shift, 3);
    CHECK_EQ(parse("-icount", "0,sleep=off", NULL), CLI_RUN);
    CHECK(cfg.icount);
    CHECK_EQ(cfg.icount_shift, 0);
    CHECK_ERR("-icount: 'shift=auto': petrel takes shift=N (0..10) and sleep=off", "-icount",
              "shift=auto");
    CHECK_ERR("-icount: 'shift=11'", "-icount", "shift=11");
    CHECK_ERR("-icount: 'sleep=on'", "-icount", "shift=1,sleep=on");
    CHECK_ERR("-icount: shift=N is required", "-icount", "sleep=off");
    CHECK_ERR("-icount: missing value", "-icount");
    CHECK_EQ(parse("-incoming", "file:/tmp/x.snap", NULL), CLI_RUN);
    CHECK_STREQ(cfg.incoming, "file:/tmp/x.snap");
    CHECK_EQ(parse("-incoming", "exec:cat x", NULL), CLI_RUN);
    CHECK_EQ(parse("-incoming", "defer", NULL), CLI_RUN);
    CHECK_STREQ(cfg.incoming, "defer");
    CHECK_ERR("-incoming: 'tcp:0:4444': petrel takes file:PATH, exec:COMMAND or defer", "-incoming",
              "tcp:0:4444");
    CHECK_ERR("-incoming: 'file:'", "-incoming", "file:");
}

static void test_boot_protocol(void)
{
    CHECK_EQ(parse("-M", "pseries,boot-protocol=of", NULL), CLI_RUN);
    CHECK_EQ(cfg.boot_protocol, BOOT_PROTOCOL_OF);
    CHECK_EQ(parse("-M", "pseries,boot-protocol=fdt,ic-mode=xics", NULL), CLI_RUN);
    CHECK_EQ(cfg.boot_protocol, BOOT_PROTOCOL_FDT);
    CHECK_EQ(cfg.ic_mode, IC_MODE_XICS);
    CHECK_EQ(parse("-machine", "pseries,boot-protocol=fdt,boot-protocol=auto", NULL), CLI_RUN);
    CHECK_EQ(cfg.boot_protocol, BOOT_PROTOCOL_AUTO);
    /* Bad values: one error line naming the option and the value. */
    CHECK_ERR("-machine: boot-protocol must be auto, of or fdt, not 'ieee1275'", "-M",
              "pseries,boot-protocol=ieee1275");
    CHECK_ERR("boot-protocol must be auto, of or fdt, not ''", "-M", "pseries,boot-protocol=");
    CHECK_ERR("boot-protocol must be auto, of or fdt, not 'OF'", "-M", "pseries,boot-protocol=OF");
    CHECK_ERR("-machine: option 'boot-protocol' needs a value", "-M", "pseries,boot-protocol");
}

static void test_good(void)
{
    CHECK_EQ(parse("-M",
                   "pseries,ic-mode=xics,max-cpu-compat=power8,cap-cfpc=broken,"
                   "cap-sbbc=broken,cap-ibs=broken,cap-ccf-assist=off,accel=tcg",
                   "-m", "1G", "-smp", "4", "-cpu", "POWER8", "-nographic", "-display", "none",
                   "-no-reboot", "-S", NULL),
             CLI_RUN);
    CHECK_EQ(cfg.ic_mode, IC_MODE_XICS);
    CHECK_EQ(cfg.max_compat_pvr, PVR_POWER8);
    CHECK_EQ(cfg.max_compat_level, PVR_COMPAT_POWER8);
    CHECK_EQ(cfg.cpu_level, PVR_COMPAT_POWER8);
    CHECK_EQ(cfg.cap_cfpc, CAP_BROKEN);
    CHECK_EQ(cfg.ram_size, 1ull << 30);
    CHECK_EQ(cfg.cpus, 4);
    CHECK_EQ(cfg.max_cpus, 4);
    CHECK_EQ(cfg.pvr, PVR_POWER8);
    CHECK(cfg.no_reboot && cfg.start_stopped && cfg.nographic);

    CHECK_EQ(parse("--machine", "pseries-7.2", "--m", "size=768M", NULL), CLI_RUN);
    CHECK_EQ(cfg.ram_size, 768ull << 20);
    CHECK_EQ(parse("-m", "2048", NULL), CLI_RUN);
    CHECK_EQ(cfg.ram_size, 2048ull << 20);
    CHECK_EQ(parse("-m", "1GiB", NULL), CLI_RUN);
    CHECK_EQ(cfg.ram_size, 1ull << 30);
    CHECK_EQ(parse("-smp", "cpus=2,maxcpus=4,sockets=1,cores=4,threads=1", NULL), CLI_RUN);
    CHECK_EQ(cfg.cpus, 2);
    CHECK_EQ(cfg.max_cpus, 4);
    CHECK_EQ(parse("-smp", "2,threads=2", NULL), CLI_RUN);
    CHECK_EQ(cfg.cores, 1);
    CHECK_EQ(cfg.threads, 2);
    CHECK_EQ(parse("-kernel", "/bin/sh", "-initrd", "/bin/sh", "-append", "console=hvc0", NULL),
             CLI_RUN);
    CHECK_STREQ(cfg.append, "console=hvc0");
    CHECK_EQ(parse("-M", "pseries,max-cpu-compat=power9", NULL), CLI_RUN);
    CHECK_EQ(cfg.max_compat_level, PVR_COMPAT_POWER9);
    CHECK_EQ(cfg.cpu_level, PVR_COMPAT_POWER9);

    /* -name, as QEMU spells it. */
    CHECK_EQ(parse("-name", "db-7", NULL), CLI_RUN);
    CHECK_STREQ(cfg.name, "db-7");
    CHECK_EQ(parse("-name", "guest=web 1", NULL), CLI_RUN);
    CHECK_STREQ(cfg.name, "web 1");

    /* dumpdtb= to a new file in a writable directory, or over a file. */
    CHECK_EQ(parse("-M", "pseries,dumpdtb=/tmp/petrel-cli-new.dtb", NULL), CLI_RUN);
    CHECK_STREQ(cfg.dumpdtb, "/tmp/petrel-cli-new.dtb");
    CHECK_EQ(parse("-machine", "pseries,ic-mode=xive,dumpdtb=/dev/null", NULL), CLI_RUN);
    CHECK_STREQ(cfg.dumpdtb, "/dev/null");
    CHECK_EQ(cfg.ic_mode, IC_MODE_XIVE);
    CHECK_EQ(parse("-M", "dumpdtb=x.dtb", NULL), CLI_RUN); /* the current directory */
}

static void test_bad(void)
{
    CHECK_ERR("unknown option '-frobnicate'", "-frobnicate");
    CHECK_ERR("unexpected argument", "disk.img");
    CHECK_ERR("-device: unknown device 'e1000'", "-device", "e1000");
    CHECK_ERR("-device petrel-irq-test: takes no options", "-device", "petrel-irq-test,x=1");
    CHECK_ERR("needs index=N", "-device", "spapr-pci-host-bridge");
    CHECK_ERR("bad option 'index=8'", "-device", "spapr-pci-host-bridge,index=8");
    CHECK_ERR("bus pci.1 does not exist", "-device", "petrel-pci-test,bus=pci.1");
    CHECK_ERR("bad slot '20'", "-device", "petrel-pci-test,addr=20");
    CHECK_ERR("only function 0", "-device", "petrel-pci-test,addr=3.1");
    CHECK_ERR("slot 3 of pci.0 is taken twice", "-device", "petrel-pci-test,addr=3", "-device",
              "virtio-rng-pci,addr=0x3");
    CHECK_ERR("unknown option 'drive=d0'", "-device", "virtio-rng-pci,drive=d0");
    CHECK_ERR("needs drive=ID", "-device", "virtio-blk-pci");
    CHECK_ERR("no -drive with id=d0", "-device", "virtio-blk-pci,drive=d0");
    CHECK_ERR("-drive: needs file=", "-drive", "id=d0");
    CHECK_ERR("unsupported option 'format=qcow2'", "-drive", "file=x.img,format=qcow2");
    CHECK_ERR("duplicate id 'd0'", "-drive", "file=a,id=d0,if=none", "-drive",
              "file=b,id=d0,if=none");
    CHECK_ERR("no device uses it", "-drive", "file=a,id=d0,if=none");
    CHECK_ERR("drive d0 is already in use", "-drive", "file=a,id=d0", "-device",
              "virtio-blk-pci,drive=d0");
    CHECK_ERR("-netdev: unknown type 'socket'", "-netdev", "socket,id=s0");
    CHECK_ERR("-netdev user: needs id=ID", "-netdev", "user");
    CHECK_ERR("-netdev: duplicate id 'n0'", "-netdev", "user,id=n0", "-netdev", "tap,id=n0");
    CHECK_ERR("-nic: duplicate id 'n0'", "-netdev", "user,id=n0", "-nic", "user,id=n0");
    CHECK_ERR("no -netdev with id=n1", "-netdev", "user,id=n0", "-device",
              "virtio-net-pci,netdev=n1");
    CHECK_ERR("needs netdev=ID", "-device", "virtio-net-pci");
    CHECK_ERR("netdev n0 is already in use", "-netdev", "user,id=n0", "-device",
              "virtio-net-pci,netdev=n0", "-device", "virtio-net-pci,netdev=n0");
    CHECK_ERR("-netdev n0: no device uses it", "-netdev", "user,id=n0");
    CHECK_ERR("bad mac '52:54:00:12:34'", "-nic", "user,mac=52:54:00:12:34");
    CHECK_ERR("bad mac '01:00:5e:00:00:01'", "-netdev", "user,id=n0", "-device",
              "virtio-net-pci,netdev=n0,mac=01:00:5e:00:00:01");
    CHECK_ERR("bad mac '52:54:00:12:34:5g'", "-nic", "user,mac=52:54:00:12:34:5g");
    CHECK_ERR("bad value for net: 10.0.2.0/31", "-nic", "user,net=10.0.2.0/31");
    CHECK_ERR("bad value for net: 10.0.2", "-nic", "user,net=10.0.2");
    CHECK_ERR("bad value for host: 10.0.2.300", "-nic", "user,host=10.0.2.300");
    CHECK_ERR("must lie inside net=", "-nic", "user,dhcpstart=10.0.3.15");
    CHECK_ERR("must lie inside net=", "-nic", "user,host=10.0.2.255");
    CHECK_ERR("must differ", "-nic", "user,dns=10.0.2.2");
    CHECK_ERR("bad hostfwd", "-nic", "user,hostfwd=tcp::5555");
    CHECK_ERR("bad hostfwd", "-nic", "user,hostfwd=sctp::1-:2");
    CHECK_ERR("bad hostfwd", "-nic", "user,hostfwd=tcp::0-:22");
    CHECK_ERR("bad hostfwd", "-nic", "user,hostfwd=tcp::5555-:70000");
    CHECK_ERR("unknown option 'ifname=tap0'", "-nic", "user,ifname=tap0");
    CHECK_ERR("unknown option 'tftp=/x'", "-netdev", "tap,id=t0,tftp=/x");
    CHECK_ERR("only script=no", "-netdev", "tap,id=t0,script=/etc/qemu-ifup");
    CHECK_ERR("bad value for ifname", "-netdev", "tap,id=t0,ifname=a-name-far-too-long");
    CHECK_ERR("unknown model 'e1000'", "-nic", "user,model=e1000");
    CHECK_ERR("unknown option 'mac=52:54:00:12:34:56'", "-netdev",
              "user,id=n0,mac=52:54:00:12:34:56");
    CHECK_ERR("-device: missing value", "-device");
    CHECK_ERR("-m: missing value", "-m");
    CHECK_ERR("-m: invalid size 'abc'", "-m", "abc");
    CHECK_ERR("-m: invalid size '12X'", "-m", "12X");
    CHECK_ERR("-m: invalid size '-5'", "-m", "-5");
    CHECK_ERR("multiple of 256 MiB", "-m", "100M");
    CHECK_ERR("multiple of 256 MiB", "-m", "0");
    CHECK_ERR("-m: invalid size", "-m", "99999999999999999999");
    CHECK_ERR("-m: invalid size", "-m", "17179869184T");
    CHECK_ERR("4 TiB", "-m", "8T");
    CHECK_ERR("-m: unsupported option 'slots'", "-m", "1G,slots=2");
    CHECK_ERR("-smp: invalid CPU count '0'", "-smp", "0");
    CHECK_ERR("-smp: invalid CPU count '1000'", "-smp", "1000");
    CHECK_ERR("-smp: invalid CPU count 'two'", "-smp", "two");
    CHECK_ERR("threads must be", "-smp", "2,threads=3");
    CHECK_ERR("exceeds maxcpus", "-smp", "4,maxcpus=2");
    CHECK_ERR("multiple of threads", "-smp", "3,threads=2");
    CHECK_ERR("ic-mode=xive needs a POWER9", "-M", "pseries,ic-mode=xive", "-cpu", "power8");
    CHECK_ERR("ic-mode=xive needs a POWER9", "-M", "pseries,ic-mode=xive,max-cpu-compat=power8");
    CHECK_ERR("-smp: unknown option 'dies'", "-smp", "2,dies=2");
    CHECK_ERR("-cpu: unknown CPU model 'power7'", "-cpu", "power7");
    CHECK_ERR("unsupported machine type 'virt'", "-M", "virt");
    CHECK_ERR("ic-mode must be", "-M", "pseries,ic-mode=apic");
    CHECK_ERR("unknown option 'foo'", "-machine", "pseries,foo=1");
    CHECK_ERR("needs a value", "-machine", "pseries,ic-mode");
    CHECK_ERR("accelerator 'kvm'", "-M", "pseries,accel=kvm");
    CHECK_ERR("cap-cfpc must be", "-M", "pseries,cap-cfpc=maybe");
    CHECK_ERR("max-cpu-compat", "-M", "pseries,max-cpu-compat=power10");
    CHECK_ERR("newer than -cpu power8", "-M", "pseries,max-cpu-compat=power9", "-cpu", "power8");
    CHECK_ERR("-display: only 'none'", "-display", "gtk");
    CHECK_ERR("-initrd only allowed with -kernel", "-initrd", "/bin/sh");
    CHECK_ERR("-append only allowed with -kernel", "-append", "quiet");
    CHECK_ERR("-kernel: cannot open '/nonexistent/vmlinux'", "-kernel", "/nonexistent/vmlinux");
    CHECK_ERR("not a regular file", "-kernel", "/tmp");
    CHECK_ERR("-bios: cannot open", "-bios", "/nonexistent.bin");
    CHECK_ERR("-name: empty name", "-name", "");
    CHECK_ERR("-name: empty name", "-name", "guest=");
    CHECK_ERR("-name: unsupported option 'debug-threads'", "-name", "vm,debug-threads=on");
    CHECK_ERR("-name: only printable", "-name", "a\nb");
    CHECK_ERR("-name: missing value", "-name");
    CHECK_ERR("dumpdtb needs a file name", "-M", "pseries,dumpdtb=");
    CHECK_ERR("dumpdtb: cannot write '/nonexistent/dir/t.dtb': No such file or directory", "-M",
              "pseries,dumpdtb=/nonexistent/dir/t.dtb");
    CHECK_ERR("dumpdtb: '/tmp' is a directory", "-M", "pseries,dumpdtb=/tmp");
    CHECK_ERR("dumpdtb: cannot write '/dev/null/t.dtb': Not a directory", "-M",
              "pseries,dumpdtb=/dev/null/t.dtb");
}

static void test_qmp(void)
{
    struct monitor_spec spec;

    CHECK_EQ(parse("-qmp", "unix:/tmp/a.sock,server,wait=off", "-qmp", "tcp:127.0.0.1:4444,server",
                   NULL),
             CLI_RUN);
    CHECK_EQ(cfg.n_qmp, 2);
    CHECK_STREQ(cfg.qmp[1], "tcp:127.0.0.1:4444,server");
    CHECK(monitor_parse_spec("unix:/tmp/a.sock,server,wait=off", &spec, err, sizeof(err)) == 0);
    CHECK(!spec.tcp && !spec.wait);
    CHECK_STREQ(spec.path, "/tmp/a.sock");
    CHECK(monitor_parse_spec("tcp:localhost:4444,server=on,nowait", &spec, err, sizeof(err)) == 0);
    CHECK(spec.tcp && !spec.wait);
    CHECK_STREQ(spec.host, "localhost");
    CHECK_STREQ(spec.port, "4444");
    CHECK(monitor_parse_spec("tcp:[::1]:4444,server", &spec, err, sizeof(err)) == 0);
    CHECK_STREQ(spec.host, "::1");
    CHECK(monitor_parse_spec("tcp::4444,server", &spec, err, sizeof(err)) == 0);
    CHECK(spec.wait);
    CHECK_STREQ(spec.host, "127.0.0.1");

    CHECK_ERR("-qmp: missing value", "-qmp");
    CHECK_ERR("-qmp: unsupported device 'stdio'", "-qmp", "stdio");
    CHECK_ERR("-qmp: only server sockets", "-qmp", "unix:/tmp/a.sock");
    CHECK_ERR("-qmp: unix: needs a socket path", "-qmp", "unix:,server");
    CHECK_ERR("-qmp: tcp: needs HOST:PORT", "-qmp", "tcp:4444,server");
    CHECK_ERR("-qmp: invalid TCP port '99999'", "-qmp", "tcp:127.0.0.1:99999,server");
    CHECK_ERR("-qmp: invalid TCP port ''", "-qmp", "tcp:127.0.0.1:,server");
    CHECK_ERR("-qmp: invalid TCP port 'x'", "-qmp", "tcp:127.0.0.1:x,server");
    CHECK_ERR("-qmp: unsupported option 'telnet'", "-qmp", "tcp:127.0.0.1:4444,server,telnet");
    CHECK_ERR(
        "-qmp: socket path", "-qmp",
        "unix:/tmp/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.sock,server");
    CHECK_ERR("-qmp: at most 8 sockets", "-qmp", "unix:/a,server", "-qmp", "unix:/b,server", "-qmp",
              "unix:/c,server", "-qmp", "unix:/d,server", "-qmp", "unix:/e,server", "-qmp",
              "unix:/f,server", "-qmp", "unix:/g,server", "-qmp", "unix:/h,server", "-qmp",
              "unix:/i,server");
}

static void test_files(void)
{
    char empty[] = "/tmp/petrel-cli-emptyXXXXXX", big[] = "/tmp/petrel-cli-bigXXXXXX";
    int fd = mkstemp(empty), fd2 = mkstemp(big);

    CHECK(fd >= 0 && fd2 >= 0);
    CHECK(ftruncate(fd2, FW_MAX_IMAGE + 1) == 0);
    CHECK_ERR("is empty", "-bios", empty);
    CHECK_ERR("more than the", "-bios", big);
    CHECK_ERR("-initrd: '", "-kernel", "/bin/sh", "-initrd", empty);
    {
        char longname[300];
        memset(longname, 'n', sizeof(longname) - 1);
        longname[sizeof(longname) - 1] = 0;
        CHECK_ERR("-name: longer than 255", "-name", longname);
    }
    close(fd);
    close(fd2);
    unlink(empty);
    unlink(big);
}

static void test_gdb(void)
{
    CHECK_EQ(parse(NULL), CLI_RUN);
    CHECK_EQ(cfg.gdb_port, -1);
    CHECK_EQ(parse("-s", NULL), CLI_RUN);
    CHECK_EQ(cfg.gdb_port, 1234);
    CHECK(cfg.gdb_host == NULL);
    CHECK_EQ(parse("-gdb", "tcp::5555", NULL), CLI_RUN);
    CHECK_EQ(cfg.gdb_port, 5555);
    CHECK(cfg.gdb_host == NULL);
    CHECK_EQ(parse("-gdb", "tcp:localhost:0", NULL), CLI_RUN);
    CHECK_EQ(cfg.gdb_port, 0);
    CHECK_STREQ(cfg.gdb_host, "localhost");
    CHECK_EQ(parse("-gdb", "tcp:[::1]:77", NULL), CLI_RUN);
    CHECK_STREQ(cfg.gdb_host, "::1");
    CHECK_EQ(cfg.gdb_port, 77);
    CHECK_EQ(parse("-s", "-gdb", "none", NULL), CLI_RUN);
    CHECK_EQ(cfg.gdb_port, -1);
    CHECK_ERR("-gdb: only tcp", "-gdb", "udp::1");
    CHECK_ERR("-gdb: only tcp", "-gdb", "/dev/ttyS0");
    CHECK_ERR("needs a port number", "-gdb", "tcp::");
    CHECK_ERR("needs a port number", "-gdb", "tcp::65536");
    CHECK_ERR("needs a port number", "-gdb", "tcp:host");
    CHECK_ERR("needs a port number", "-gdb", "tcp::-1");
    CHECK_ERR("bad host", "-gdb", "tcp:[::1:5");
    CHECK_ERR("missing value", "-gdb");
}

int main(void)
{
    test_gdb();
    test_boot_protocol();
    test_accel();
    test_snapshot_options();
    test_defaults();
    test_pci();
    test_net();
    test_good();
    test_bad();
    test_files();
    test_qmp();
    return check_summary("cli");
}
