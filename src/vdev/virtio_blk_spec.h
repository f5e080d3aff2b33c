/*
 * virtio-blk as the Virtio 1.2 specification defines it (section 5.2): its
 * feature bits, configuration layout and request format. One copy for both
 * sides: the virtio-blk guests drive and armvisor's own driver for the
 * host's virtio-blk (src/arch/virtio_blk).
 */
#ifndef VDEV_VIRTIO_BLK_SPEC_H
#define VDEV_VIRTIO_BLK_SPEC_H

#define VIRTIO_ID_BLOCK 2u /* DeviceID (5 Device Types) */

/* Feature bits (5.2.3). */
#define VIRTIO_BLK_F_SIZE_MAX 1 /* size_max: largest segment */
#define VIRTIO_BLK_F_SEG_MAX  2 /* seg_max: most segments in a request */
#define VIRTIO_BLK_F_RO       5 /* the device is read-only */
#define VIRTIO_BLK_F_BLK_SIZE 6 /* blk_size: the device's block size */
#define VIRTIO_BLK_F_FLUSH    9 /* the FLUSH command exists */

/* struct virtio_blk_config offsets (5.2.4), little-endian. */
#define VIRTIO_BLK_CFG_CAPACITY 0x00 /* le64, in 512-byte sectors */
#define VIRTIO_BLK_CFG_SIZE_MAX 0x08 /* le32 */
#define VIRTIO_BLK_CFG_SEG_MAX  0x0c /* le32 */
#define VIRTIO_BLK_CFG_BLK_SIZE 0x14 /* le32 */

/* Request types and status (5.2.6). */
#define VIRTIO_BLK_T_IN     0u /* read */
#define VIRTIO_BLK_T_OUT    1u /* write */
#define VIRTIO_BLK_T_FLUSH  4u
#define VIRTIO_BLK_S_OK     0u
#define VIRTIO_BLK_S_IOERR  1u
#define VIRTIO_BLK_S_UNSUPP 2u

/* The request header the driver puts first (5.2.6: type, reserved,
 * sector), device-readable; the status byte comes last, device-writable. */
#define VIRTIO_BLK_REQ_HDR_SIZE 16u

#endif
