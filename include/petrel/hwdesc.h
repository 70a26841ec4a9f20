/*
 * The hardware description: the contract between the host, which writes
 * it, and the firmware, which reads it.  It is a flattened device tree
 * (built with libfdt) of raw facts only -- no policy, nothing an OS reads.
 * The firmware finds it at r3 on entry.
 *
 *   / {
 *       compatible = "petrel,hwdesc";
 *       petrel,hwdesc-version = <1>;
 *       #address-cells = <2>; #size-cells = <2>;
 *       memory { reg = <base size>; };            one range per RAM block
 *       cpus {
 *           max-cpus = <n>;                       vCPUs that exist
 *           threads-per-core = <1>;
 *           cpu@N { reg = <N>; pvr = <raw PVR>; timebase-frequency = <tb>; };
 *       };
 *       console { compatible = "petrel,hvterm"; reg = <vterm>; };
       nvram { size = <bytes>; };                PETREL_H_NVRAM_READ/_WRITE
 *       firmware { reg = <base size>; };          where the image was loaded
 *       boot {                                    only what was given
 *           kernel = <base size>;  initrd = <base size>;
 *           bootargs = "...";
 *       };
 *       machine {
 *           ic-mode = "dual"|"xics"|"xive"; max-cpu-compat = <pvr>;
 *           boot-protocol = "auto"|"of"|"fdt";      absent: auto
 *           hypertas-functions = "hcall-...", ...;   hcall groups the host serves
 *           partition-name = "...";               -name, if given
 *           trace = <mask>;                       -trace events the guest emits
 *                                                 (1 << PETREL_TRACE_CIF...): absent, none
 *           boot-report;                          -M boot-report=on: PETREL_H_BOOT_MARK
           phbs = <n>;                           PCI host bridges 0 .. n - 1 (pci.h)
 *           dump-tree;                            -M dumpdtb=: hand the OS's tree
 *       };                                        to PETREL_H_DUMP_TREE, not to an OS
 *   };
 *
 * Addresses and sizes are 64-bit (two cells).  The firmware must not
 * assume any other layout; absent optional nodes mean "not present".
 */
#ifndef PETREL_HWDESC_H
#define PETREL_HWDESC_H

#define HWDESC_COMPATIBLE "petrel,hwdesc"
#define HWDESC_VERSION    1

#define HWDESC_PROP_VERSION "petrel,hwdesc-version"

#define HWDESC_NODE_MEMORY   "/memory"
#define HWDESC_NODE_CPUS     "/cpus"
#define HWDESC_NODE_CONSOLE  "/console"
#define HWDESC_NODE_FIRMWARE "/firmware"
#define HWDESC_NODE_NVRAM    "/nvram"
#define HWDESC_NODE_BOOT     "/boot"
#define HWDESC_NODE_MACHINE  "/machine"

#define HWDESC_PROP_MAX_CPUS      "max-cpus"
#define HWDESC_PROP_THREADS       "threads-per-core"
#define HWDESC_PROP_PVR           "pvr"
#define HWDESC_PROP_TB_FREQ       "timebase-frequency"
#define HWDESC_PROP_KERNEL        "kernel"
#define HWDESC_PROP_INITRD        "initrd"
#define HWDESC_PROP_BOOTARGS      "bootargs"
#define HWDESC_PROP_IC_MODE       "ic-mode"
#define HWDESC_PROP_MAX_COMPAT    "max-cpu-compat"
#define HWDESC_PROP_HYPERTAS      "hypertas-functions"
#define HWDESC_PROP_BOOT_PROTOCOL "boot-protocol"
#define HWDESC_PROP_PARTITION     "partition-name"
#define HWDESC_PROP_DUMP_TREE     "dump-tree"
#define HWDESC_PROP_TRACE         "trace"
#define HWDESC_PROP_BOOT_REPORT   "boot-report"
#define HWDESC_PROP_SIZE          "size"
#define HWDESC_PROP_PHBS          "phbs"
#define HWDESC_CONSOLE_COMPAT     "petrel,hvterm"

/* The host never describes more vCPUs than this; the firmware sizes its
 * per-CPU tables by it and refuses a description with more. */
#define HWDESC_MAX_CPUS 256

#endif
