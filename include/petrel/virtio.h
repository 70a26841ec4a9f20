/*
 * petrel's virtio devices on PCI (Virtual I/O Device (VIRTIO) 1.0, OASIS
 * cs04): the numbers a driver needs -- the firmware's probing and the
 * guest payloads use them; vmm/dev/virtio_pci.c implements them.
 *
 * Modern devices only (virtio 1.0 §4.1.2): vendor 0x1af4, device id
 * 0x1040 + the virtio device id, revision 1.  Each function has
 *   BAR 1: 32-bit, 4 KiB: the MSI-X table (PETREL_VIRTIO_MSIX_VECTORS
 *          vectors) at 0, its PBA at 0x800
 *   BAR 4: 64-bit, 16 KiB: the virtio structures the vendor capabilities
 *          (§4.1.4) point to -- common configuration at 0, ISR status at
 *          0x1000, device configuration at 0x2000, notifications at 0x3000
 *          (queue q's doorbell at 0x3000 + 4q: notify_off_multiplier 4,
 *          queue_notify_off q)
 * and INTA for the INTx fallback when MSI-X is off (the ISR read lowers
 * it, §4.1.5.4).  Registers are little-endian.  Split virtqueues (§2.4)
 * of up to PETREL_VIRTIO_QUEUE_MAX entries, reached through the PHB's TCE
 * table (pci.h): the rings and buffers are bus addresses.  A malformed
 * ring (a descriptor index past the queue, a chain longer than the queue
 * (a loop), an indirect descriptor (not offered), a readable descriptor
 * after a writable one, an address the TCEs do not grant, a length past
 * PETREL_VIRTIO_CHAIN_MAX) sets DEVICE_NEEDS_RESET and stops the device
 * until the driver resets it (§2.1.1).
 */
#ifndef PETREL_VIRTIO_H
#define PETREL_VIRTIO_H

#define PETREL_VIRTIO_VENDOR       0x1af4u
#define PETREL_VIRTIO_DEVICE(id)   (0x1040u + (id))
#define PETREL_VIRTIO_ID_NET       1u
#define PETREL_VIRTIO_ID_BLK       2u
#define PETREL_VIRTIO_ID_RNG       4u
#define PETREL_VIRTIO_MSIX_BAR     1u
#define PETREL_VIRTIO_MSIX_VECTORS 4u
#define PETREL_VIRTIO_MSIX_TABLE   0x0u
#define PETREL_VIRTIO_MSIX_PBA     0x800u
#define PETREL_VIRTIO_BAR          4u
#define PETREL_VIRTIO_BAR_SIZE     0x4000u
#define PETREL_VIRTIO_COMMON       0x0000u
#define PETREL_VIRTIO_ISR          0x1000u
#define PETREL_VIRTIO_DEVCFG       0x2000u
#define PETREL_VIRTIO_NOTIFY       0x3000u
#define PETREL_VIRTIO_NOTIFY_MULT  4u
#define PETREL_VIRTIO_QUEUE_MAX    256u
#define PETREL_VIRTIO_CHAIN_MAX    (4u << 20) /* bytes in one descriptor chain */

/* Vendor capability cfg_type (§4.1.4). */
#define VIRTIO_PCI_CAP_COMMON_CFG 1u
#define VIRTIO_PCI_CAP_NOTIFY_CFG 2u
#define VIRTIO_PCI_CAP_ISR_CFG    3u
#define VIRTIO_PCI_CAP_DEVICE_CFG 4u

/* Common configuration (§4.1.4.3): offsets and widths. */
#define VIRTIO_COMMON_DFSELECT 0x00u /* 32 */
#define VIRTIO_COMMON_DF       0x04u /* 32 */
#define VIRTIO_COMMON_GFSELECT 0x08u /* 32 */
#define VIRTIO_COMMON_GF       0x0cu /* 32 */
#define VIRTIO_COMMON_MSIX     0x10u /* 16 */
#define VIRTIO_COMMON_NUMQ     0x12u /* 16 */
#define VIRTIO_COMMON_STATUS   0x14u /* 8 */
#define VIRTIO_COMMON_CFGGEN   0x15u /* 8 */
#define VIRTIO_COMMON_Q_SELECT 0x16u /* 16 */
#define VIRTIO_COMMON_Q_SIZE   0x18u /* 16 */
#define VIRTIO_COMMON_Q_MSIX   0x1au /* 16 */
#define VIRTIO_COMMON_Q_ENABLE 0x1cu /* 16 */
#define VIRTIO_COMMON_Q_NOFF   0x1eu /* 16 */
#define VIRTIO_COMMON_Q_DESC   0x20u /* 64 */
#define VIRTIO_COMMON_Q_AVAIL  0x28u /* 64 */
#define VIRTIO_COMMON_Q_USED   0x30u /* 64 */
#define VIRTIO_COMMON_SIZE     0x38u
#define VIRTIO_MSI_NO_VECTOR   0xffffu

/* Device status (§2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE 0x01u
#define VIRTIO_STATUS_DRIVER      0x02u
#define VIRTIO_STATUS_DRIVER_OK   0x04u
#define VIRTIO_STATUS_FEATURES_OK 0x08u
#define VIRTIO_STATUS_NEEDS_RESET 0x40u
#define VIRTIO_STATUS_FAILED      0x80u

/* ISR status bits (§4.1.4.5). */
#define VIRTIO_ISR_QUEUE  0x1u
#define VIRTIO_ISR_CONFIG 0x2u

/* Feature bits. */
#define VIRTIO_F_VERSION_1 32u
/* The device reaches memory through the platform's IOMMU (the TCE table);
 * without it a driver gives guest physical addresses (virtio 1.1 §6.1). */
#define VIRTIO_F_ACCESS_PLATFORM 33u
#define VIRTIO_BLK_F_RO          5u
#define VIRTIO_BLK_F_FLUSH       9u
#define VIRTIO_NET_F_MAC         5u
#define VIRTIO_NET_F_STATUS      16u

/* Split virtqueue (§2.4.5). */
#define VIRTQ_DESC_F_NEXT          1u
#define VIRTQ_DESC_F_WRITE         2u
#define VIRTQ_DESC_F_INDIRECT      4u
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1u

/* virtio-blk (§5.2): config capacity (le64, 512-byte sectors) at 0;
 * requests: header {type le32, reserved le32, sector le64}, data, status
 * byte. */
#define VIRTIO_BLK_CFG_CAPACITY 0x0u
#define VIRTIO_BLK_T_IN         0u
#define VIRTIO_BLK_T_OUT        1u
#define VIRTIO_BLK_T_FLUSH      4u
#define VIRTIO_BLK_T_GET_ID     8u
#define VIRTIO_BLK_S_OK         0u
#define VIRTIO_BLK_S_IOERR      1u
#define VIRTIO_BLK_S_UNSUPP     2u
#define VIRTIO_BLK_ID_BYTES     20u
#define VIRTIO_BLK_SECTOR       512u

/* virtio-net (§5.1): queue 0 receives, queue 1 transmits; config: mac[6]
 * at 0, status (le16, LINK_UP) at 6.  Every buffer starts with the
 * 12-byte header (§5.1.6: flags, gso_type, hdr_len, gso_size,
 * csum_start, csum_offset, num_buffers -- VERSION_1 always has the last);
 * no offloads are offered, so flags and gso_type are 0 both ways and a
 * received frame takes one chain (num_buffers 1).  A frame is at most
 * PETREL_VIRTIO_NET_FRAME_MAX bytes with its header. */
#define VIRTIO_NET_Q_RX             0u
#define VIRTIO_NET_Q_TX             1u
#define VIRTIO_NET_CFG_MAC          0x0u
#define VIRTIO_NET_CFG_STATUS       0x6u
#define VIRTIO_NET_S_LINK_UP        1u
#define VIRTIO_NET_HDR_LEN          12u
#define VIRTIO_NET_HDR_NUM_BUFFERS  10u
#define VIRTIO_NET_HDR_GSO_NONE     0u
#define PETREL_VIRTIO_NET_FRAME_MAX 65550u

#endif
