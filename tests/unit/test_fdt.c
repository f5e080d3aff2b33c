/*
 * Unit tests for the flattened device tree reader (src/lib/fdt.c).
 *
 * test_dtb below is dtc's output for the source in the comment that follows
 * (dtc -I dts -O dtb), embedded as bytes because tests may not depend on
 * dtc. It models QEMU's virt machine plus the awkward cases: a disabled
 * memory bank, a zero-size bank, an alias for stdout-path, a 32-bit
 * linux,initrd-end, a nested bus with 1/1 cells and a malformed reg.
 * Corrupted variants are made at run time from copies of it; a small builder
 * makes trees dtc would refuse (too deep, unterminated names).
 *
 * /dts-v1/;
 * /memreserve/ 0x48000000 0x1000;
 * / {
 *     #address-cells = <2>;
 *     #size-cells = <2>;
 *     compatible = "linux,dummy-virt";
 *     model = "armvisor-test";
 *
 *     aliases {
 *         serial0 = "/pl011@9000000";
 *     };
 *
 *     chosen {
 *         bootargs = "console=ttyAMA0 quiet";
 *         stdout-path = "serial0:115200n8";
 *         linux,initrd-start = <0x0 0x48000000>;
 *         linux,initrd-end = <0x48001234>;
 *     };
 *
 *     memory@40000000 {
 *         device_type = "memory";
 *         reg = <0x0 0x40000000 0x0 0x20000000>;
 *     };
 *
 *     memory@100000000 {
 *         device_type = "memory";
 *         reg = <0x1 0x00000000 0x0 0x10000000>, <0x2 0x00000000 0x0 0x0>, <0x3 0x0 0x1 0x0>;
 *     };
 *
 *     memory@80000000 {
 *         device_type = "memory";
 *         status = "disabled";
 *         reg = <0x0 0x80000000 0x0 0x1000>;
 *     };
 *
 *     intc@8000000 {
 *         compatible = "arm,cortex-a15-gic";
 *         interrupt-controller;
 *         #interrupt-cells = <3>;
 *         reg = <0x0 0x08000000 0x0 0x10000>, <0x0 0x08010000 0x0 0x10000>;
 *     };
 *
 *     pl011@9000000 {
 *         compatible = "arm,pl011", "arm,primecell";
 *         reg = <0x0 0x09000000 0x0 0x1000>;
 *     };
 *
 *     psci {
 *         compatible = "arm,psci-1.0", "arm,psci-0.2", "arm,psci";
 *         method = "hvc";
 *     };
 *
 *     cpus {
 *         #address-cells = <1>;
 *         #size-cells = <0>;
 *         cpu@0 {
 *             device_type = "cpu";
 *             compatible = "arm,cortex-a57";
 *             reg = <0x0>;
 *         };
 *         cpu@1 {
 *             device_type = "cpu";
 *             compatible = "arm,cortex-a57";
 *             reg = <0x1>;
 *         };
 *         cpu@100 {
 *             device_type = "cpu";
 *             compatible = "arm,cortex-a57";
 *             reg = <0x100>;
 *             status = "disabled";
 *         };
 *         cpu-map {
 *         };
 *     };
 *
 *     soc {
 *         #address-cells = <1>;
 *         #size-cells = <1>;
 *         uart@1000 {
 *             compatible = "arm,pl011";
 *             reg = <0x1000 0x100>;
 *             status = "okay";
 *         };
 *         bad@2000 {
 *             reg = <0x2000 0x100 0x3000>;
 *             #address-cells = <3>;
 *         };
 *     };
 * };
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/fdt.h"

static const unsigned char test_dtb[] = {
    0xd0, 0x0d, 0xfe, 0xed, 0x00, 0x00, 0x06, 0x3d, 0x00, 0x00, 0x00, 0x48, 0x00, 0x00, 0x05, 0x8c,
    0x00, 0x00, 0x00, 0x28, 0x00, 0x00, 0x00, 0x11, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0xb1, 0x00, 0x00, 0x05, 0x44, 0x00, 0x00, 0x00, 0x00, 0x48, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
    0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x0f, 0x00, 0x00, 0x00, 0x02,
    0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x11, 0x00, 0x00, 0x00, 0x1b, 0x6c, 0x69, 0x6e, 0x75,
    0x78, 0x2c, 0x64, 0x75, 0x6d, 0x6d, 0x79, 0x2d, 0x76, 0x69, 0x72, 0x74, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x0e, 0x00, 0x00, 0x00, 0x26, 0x61, 0x72, 0x6d, 0x76,
    0x69, 0x73, 0x6f, 0x72, 0x2d, 0x74, 0x65, 0x73, 0x74, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
    0x61, 0x6c, 0x69, 0x61, 0x73, 0x65, 0x73, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x0f,
    0x00, 0x00, 0x00, 0x2c, 0x2f, 0x70, 0x6c, 0x30, 0x31, 0x31, 0x40, 0x39, 0x30, 0x30, 0x30, 0x30,
    0x30, 0x30, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x63, 0x68, 0x6f, 0x73,
    0x65, 0x6e, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x16, 0x00, 0x00, 0x00, 0x34,
    0x63, 0x6f, 0x6e, 0x73, 0x6f, 0x6c, 0x65, 0x3d, 0x74, 0x74, 0x79, 0x41, 0x4d, 0x41, 0x30, 0x20,
    0x71, 0x75, 0x69, 0x65, 0x74, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x11,
    0x00, 0x00, 0x00, 0x3d, 0x73, 0x65, 0x72, 0x69, 0x61, 0x6c, 0x30, 0x3a, 0x31, 0x31, 0x35, 0x32,
    0x30, 0x30, 0x6e, 0x38, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x08,
    0x00, 0x00, 0x00, 0x49, 0x00, 0x00, 0x00, 0x00, 0x48, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03,
    0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x5c, 0x48, 0x00, 0x12, 0x34, 0x00, 0x00, 0x00, 0x02,
    0x00, 0x00, 0x00, 0x01, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x40, 0x34, 0x30, 0x30, 0x30, 0x30,
    0x30, 0x30, 0x30, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x6d,
    0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x10,
    0x00, 0x00, 0x00, 0x79, 0x00, 0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x20, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x6d, 0x65, 0x6d, 0x6f,
    0x72, 0x79, 0x40, 0x31, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x6d, 0x6d, 0x65, 0x6d, 0x6f,
    0x72, 0x79, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x30, 0x00, 0x00, 0x00, 0x79,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x40, 0x38,
    0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x07,
    0x00, 0x00, 0x00, 0x6d, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03,
    0x00, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00, 0x7d, 0x64, 0x69, 0x73, 0x61, 0x62, 0x6c, 0x65, 0x64,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x79,
    0x00, 0x00, 0x00, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00,
    0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x69, 0x6e, 0x74, 0x63, 0x40, 0x38, 0x30, 0x30,
    0x30, 0x30, 0x30, 0x30, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x13,
    0x00, 0x00, 0x00, 0x1b, 0x61, 0x72, 0x6d, 0x2c, 0x63, 0x6f, 0x72, 0x74, 0x65, 0x78, 0x2d, 0x61,
    0x31, 0x35, 0x2d, 0x67, 0x69, 0x63, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x84, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x99,
    0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x20, 0x00, 0x00, 0x00, 0x79,
    0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x08, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x70, 0x6c, 0x30, 0x31, 0x31, 0x40, 0x39, 0x30,
    0x30, 0x30, 0x30, 0x30, 0x30, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x18,
    0x00, 0x00, 0x00, 0x1b, 0x61, 0x72, 0x6d, 0x2c, 0x70, 0x6c, 0x30, 0x31, 0x31, 0x00, 0x61, 0x72,
    0x6d, 0x2c, 0x70, 0x72, 0x69, 0x6d, 0x65, 0x63, 0x65, 0x6c, 0x6c, 0x00, 0x00, 0x00, 0x00, 0x03,
    0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x79, 0x00, 0x00, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01,
    0x70, 0x73, 0x63, 0x69, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x23,
    0x00, 0x00, 0x00, 0x1b, 0x61, 0x72, 0x6d, 0x2c, 0x70, 0x73, 0x63, 0x69, 0x2d, 0x31, 0x2e, 0x30,
    0x00, 0x61, 0x72, 0x6d, 0x2c, 0x70, 0x73, 0x63, 0x69, 0x2d, 0x30, 0x2e, 0x32, 0x00, 0x61, 0x72,
    0x6d, 0x2c, 0x70, 0x73, 0x63, 0x69, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04,
    0x00, 0x00, 0x00, 0xaa, 0x68, 0x76, 0x63, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01,
    0x63, 0x70, 0x75, 0x73, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04,
    0x00, 0x00, 0x00, 0x0f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x63, 0x70, 0x75, 0x40,
    0x30, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x6d,
    0x63, 0x70, 0x75, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x0f, 0x00, 0x00, 0x00, 0x1b,
    0x61, 0x72, 0x6d, 0x2c, 0x63, 0x6f, 0x72, 0x74, 0x65, 0x78, 0x2d, 0x61, 0x35, 0x37, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x79, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x63, 0x70, 0x75, 0x40, 0x31, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x6d, 0x63, 0x70, 0x75, 0x00,
    0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x0f, 0x00, 0x00, 0x00, 0x1b, 0x61, 0x72, 0x6d, 0x2c,
    0x63, 0x6f, 0x72, 0x74, 0x65, 0x78, 0x2d, 0x61, 0x35, 0x37, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03,
    0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x79, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02,
    0x00, 0x00, 0x00, 0x01, 0x63, 0x70, 0x75, 0x40, 0x31, 0x30, 0x30, 0x00, 0x00, 0x00, 0x00, 0x03,
    0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x6d, 0x63, 0x70, 0x75, 0x00, 0x00, 0x00, 0x00, 0x03,
    0x00, 0x00, 0x00, 0x0f, 0x00, 0x00, 0x00, 0x1b, 0x61, 0x72, 0x6d, 0x2c, 0x63, 0x6f, 0x72, 0x74,
    0x65, 0x78, 0x2d, 0x61, 0x35, 0x37, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04,
    0x00, 0x00, 0x00, 0x79, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x09,
    0x00, 0x00, 0x00, 0x7d, 0x64, 0x69, 0x73, 0x61, 0x62, 0x6c, 0x65, 0x64, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x63, 0x70, 0x75, 0x2d, 0x6d, 0x61, 0x70, 0x00,
    0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x73, 0x6f, 0x63, 0x00,
    0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
    0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x0f, 0x00, 0x00, 0x00, 0x01,
    0x00, 0x00, 0x00, 0x01, 0x75, 0x61, 0x72, 0x74, 0x40, 0x31, 0x30, 0x30, 0x30, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x1b, 0x61, 0x72, 0x6d, 0x2c,
    0x70, 0x6c, 0x30, 0x31, 0x31, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x08,
    0x00, 0x00, 0x00, 0x79, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x03,
    0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x7d, 0x6f, 0x6b, 0x61, 0x79, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x62, 0x61, 0x64, 0x40, 0x32, 0x30, 0x30, 0x30,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x00, 0x00, 0x79,
    0x00, 0x00, 0x20, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x30, 0x00, 0x00, 0x00, 0x00, 0x03,
    0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x02,
    0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x09, 0x23, 0x61, 0x64, 0x64,
    0x72, 0x65, 0x73, 0x73, 0x2d, 0x63, 0x65, 0x6c, 0x6c, 0x73, 0x00, 0x23, 0x73, 0x69, 0x7a, 0x65,
    0x2d, 0x63, 0x65, 0x6c, 0x6c, 0x73, 0x00, 0x63, 0x6f, 0x6d, 0x70, 0x61, 0x74, 0x69, 0x62, 0x6c,
    0x65, 0x00, 0x6d, 0x6f, 0x64, 0x65, 0x6c, 0x00, 0x73, 0x65, 0x72, 0x69, 0x61, 0x6c, 0x30, 0x00,
    0x62, 0x6f, 0x6f, 0x74, 0x61, 0x72, 0x67, 0x73, 0x00, 0x73, 0x74, 0x64, 0x6f, 0x75, 0x74, 0x2d,
    0x70, 0x61, 0x74, 0x68, 0x00, 0x6c, 0x69, 0x6e, 0x75, 0x78, 0x2c, 0x69, 0x6e, 0x69, 0x74, 0x72,
    0x64, 0x2d, 0x73, 0x74, 0x61, 0x72, 0x74, 0x00, 0x6c, 0x69, 0x6e, 0x75, 0x78, 0x2c, 0x69, 0x6e,
    0x69, 0x74, 0x72, 0x64, 0x2d, 0x65, 0x6e, 0x64, 0x00, 0x64, 0x65, 0x76, 0x69, 0x63, 0x65, 0x5f,
    0x74, 0x79, 0x70, 0x65, 0x00, 0x72, 0x65, 0x67, 0x00, 0x73, 0x74, 0x61, 0x74, 0x75, 0x73, 0x00,
    0x69, 0x6e, 0x74, 0x65, 0x72, 0x72, 0x75, 0x70, 0x74, 0x2d, 0x63, 0x6f, 0x6e, 0x74, 0x72, 0x6f,
    0x6c, 0x6c, 0x65, 0x72, 0x00, 0x23, 0x69, 0x6e, 0x74, 0x65, 0x72, 0x72, 0x75, 0x70, 0x74, 0x2d,
    0x63, 0x65, 0x6c, 0x6c, 0x73, 0x00, 0x6d, 0x65, 0x74, 0x68, 0x6f, 0x64, 0x00};

/* A private, aligned, writable copy of the blob (ASan sees its exact size). */
static uint8_t *copy_dtb(void)
{
    uint8_t *b = malloc(sizeof(test_dtb));
    assert_non_null(b);
    memcpy(b, test_dtb, sizeof(test_dtb));
    return b;
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static uint32_t get_be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static void open_test_dtb(struct fdt *f)
{
    assert_int_equal(fdt_init(f, test_dtb, sizeof(test_dtb)), 0);
}

static int path(const struct fdt *f, const char *p)
{
    return fdt_path_offset(f, p);
}

/* ---- Header ------------------------------------------------------------------ */

static void test_header_ok(void **state)
{
    (void)state;
    struct fdt f;
    open_test_dtb(&f);
    assert_int_equal(f.totalsize, sizeof(test_dtb));
    assert_int_equal(fdt_header_size(test_dtb), sizeof(test_dtb));
    /* A larger window than the blob is fine; a smaller one is not. */
    assert_int_equal(fdt_init(&f, test_dtb, sizeof(test_dtb) + 100), 0);
    assert_int_equal(fdt_init(&f, test_dtb, sizeof(test_dtb) - 1), FDT_ETRUNC);
    assert_int_equal(fdt_init(&f, test_dtb, 8), FDT_ETRUNC);
    assert_int_equal(fdt_init(&f, NULL, 4096), FDT_ETRUNC);
}

static void test_header_errors(void **state)
{
    (void)state;
    struct fdt f;
    uint8_t *b = copy_dtb();

    b[0] ^= 1; /* magic */
    assert_int_equal(fdt_init(&f, b, sizeof(test_dtb)), FDT_EBADMAGIC);
    assert_int_equal(fdt_header_size(b), 0);
    b[0] ^= 1;

    put_be32(b + 24, 18); /* last_comp_version newer than we read */
    assert_int_equal(fdt_init(&f, b, sizeof(test_dtb)), FDT_EBADVER);
    put_be32(b + 24, 16);
    put_be32(b + 20, 15); /* version too old */
    assert_int_equal(fdt_init(&f, b, sizeof(test_dtb)), FDT_EBADVER);
    put_be32(b + 20, 17);

    uint32_t off_struct = get_be32(b + 8);
    put_be32(b + 8, 0xfffffff0u); /* structure block outside the blob */
    assert_int_equal(fdt_init(&f, b, sizeof(test_dtb)), FDT_ETRUNC);
    put_be32(b + 8, 4); /* inside the header */
    assert_int_equal(fdt_init(&f, b, sizeof(test_dtb)), FDT_ETRUNC);
    put_be32(b + 8, off_struct + 2); /* misaligned tokens */
    assert_int_not_equal(fdt_init(&f, b, sizeof(test_dtb)), 0);
    put_be32(b + 8, off_struct);

    uint32_t size_strings = get_be32(b + 32);
    put_be32(b + 32, 0x7fffffffu);
    assert_int_equal(fdt_init(&f, b, sizeof(test_dtb)), FDT_ETRUNC);
    put_be32(b + 32, size_strings);

    put_be32(b + 4, 0x100000u); /* totalsize larger than the buffer */
    assert_int_equal(fdt_init(&f, b, sizeof(test_dtb)), FDT_ETRUNC);
    put_be32(b + 4, sizeof(test_dtb));

    assert_int_equal(fdt_init(&f, b, sizeof(test_dtb)), 0);
    free(b);
}

/* ---- Nodes ------------------------------------------------------------------- */

static void test_paths(void **state)
{
    (void)state;
    struct fdt f;
    open_test_dtb(&f);
    int root = fdt_root(&f);
    assert_true(root >= 0);
    assert_string_equal(fdt_node_name(&f, root), "");
    assert_int_equal(path(&f, "/"), root);

    int chosen = path(&f, "/chosen");
    assert_true(chosen >= 0);
    assert_string_equal(fdt_node_name(&f, chosen), "chosen");
    assert_string_equal(fdt_node_name(&f, path(&f, "/memory")), "memory@40000000");
    assert_string_equal(fdt_node_name(&f, path(&f, "/memory@100000000")), "memory@100000000");
    assert_string_equal(fdt_node_name(&f, path(&f, "/cpus/cpu@1")), "cpu@1");
    assert_string_equal(fdt_node_name(&f, path(&f, "//cpus//cpu@100/")), "cpu@100");
    assert_string_equal(fdt_node_name(&f, path(&f, "/cpus/cpu")), "cpu@0");
    assert_string_equal(fdt_node_name(&f, path(&f, "/soc/uart")), "uart@1000");

    assert_int_equal(path(&f, "/cpus/cpu@2"), FDT_ENOTFOUND);
    assert_int_equal(path(&f, "/cpu"), FDT_ENOTFOUND); /* "cpus" is not "cpu" */
    assert_int_equal(path(&f, "/cpus/cpu-"), FDT_ENOTFOUND);
    assert_int_equal(path(&f, "/chose"), FDT_ENOTFOUND); /* no prefix match */
    assert_int_equal(path(&f, "chosen"), FDT_ENOTFOUND); /* relative */
    assert_int_equal(path(&f, ""), FDT_ENOTFOUND);
    assert_int_equal(path(&f, "/uart@1000"), FDT_ENOTFOUND); /* only under /soc */
    assert_null(fdt_node_name(&f, root + 1));
}

static void test_tree_walk(void **state)
{
    (void)state;
    struct fdt f;
    open_test_dtb(&f);
    int root = fdt_root(&f);

    static const char *const top[] = {"aliases",
                                      "chosen",
                                      "memory@40000000",
                                      "memory@100000000",
                                      "memory@80000000",
                                      "intc@8000000",
                                      "pl011@9000000",
                                      "psci",
                                      "cpus",
                                      "soc"};
    unsigned i = 0;
    for (int n = fdt_first_child(&f, root); n >= 0; n = fdt_next_sibling(&f, n)) {
        assert_true(i < sizeof(top) / sizeof(top[0]));
        assert_string_equal(fdt_node_name(&f, n), top[i]);
        assert_int_equal(fdt_parent(&f, n), root);
        i++;
    }
    assert_int_equal(i, sizeof(top) / sizeof(top[0]));

    /* Document order with depth: 1 root + 10 + 4 under cpus + 2 under soc. */
    int depth = 0, count = 1, max_depth = 0, n = root;
    while ((n = fdt_next_node(&f, n, &depth)) >= 0) {
        count++;
        assert_true(depth >= 1);
        if (depth > max_depth)
            max_depth = depth;
    }
    assert_int_equal(n, FDT_ENOTFOUND);
    assert_int_equal(count, 17);
    assert_int_equal(max_depth, 2);

    int cpus = path(&f, "/cpus");
    int cpu1 = path(&f, "/cpus/cpu@1");
    assert_int_equal(fdt_parent(&f, cpu1), cpus);
    assert_int_equal(fdt_parent(&f, root), FDT_ENOTFOUND);
    assert_int_equal(fdt_first_child(&f, path(&f, "/cpus/cpu-map")), FDT_ENOTFOUND);
    assert_int_equal(fdt_next_sibling(&f, path(&f, "/cpus/cpu-map")), FDT_ENOTFOUND);
    assert_int_equal(fdt_next_sibling(&f, path(&f, "/soc")), FDT_ENOTFOUND);
    /* A property offset is not a node. */
    assert_true(fdt_first_child(&f, fdt_first_prop(&f, root)) < 0);
}

/* ---- Properties ----------------------------------------------------------------- */

static void test_props(void **state)
{
    (void)state;
    struct fdt f;
    open_test_dtb(&f);
    int root = fdt_root(&f);
    uint32_t v, len;

    assert_string_equal(fdt_getprop_str(&f, root, "model"), "armvisor-test");
    assert_true(fdt_getprop_u32(&f, root, "#address-cells", &v));
    assert_int_equal(v, 2);
    assert_false(fdt_getprop_u32(&f, root, "model", &v)); /* not 4 bytes */
    assert_null(fdt_getprop(&f, root, "nope", &len));

    int uart = path(&f, "/pl011@9000000");
    /* Two strings are not "one string". */
    assert_null(fdt_getprop_str(&f, uart, "compatible"));
    assert_true(fdt_is_compatible(&f, uart, "arm,pl011"));
    assert_true(fdt_is_compatible(&f, uart, "arm,primecell"));
    assert_false(fdt_is_compatible(&f, uart, "arm,pl01"));
    assert_false(fdt_is_compatible(&f, uart, "primecell"));
    /* Empty property ("interrupt-controller;"). */
    assert_non_null(fdt_getprop(&f, path(&f, "/intc"), "interrupt-controller", &len));
    assert_int_equal(len, 0);
    assert_null(fdt_getprop_str(&f, path(&f, "/intc"), "interrupt-controller"));

    int psci = path(&f, "/psci");
    const char *names[3];
    unsigned i = 0;
    for (int p = fdt_first_prop(&f, psci); p >= 0; p = fdt_next_prop(&f, p)) {
        const void *val;
        assert_true(i < 3);
        assert_true(fdt_prop_at(&f, p, &names[i], &val, &len));
        i++;
    }
    assert_int_equal(i, 2);
    assert_string_equal(names[0], "compatible");
    assert_string_equal(names[1], "method");
    assert_string_equal(fdt_getprop_str(&f, psci, "method"), "hvc");
    assert_false(fdt_prop_at(&f, psci, NULL, NULL, NULL)); /* a node, not a prop */

    /* Nodes without properties. */
    assert_int_equal(fdt_first_prop(&f, path(&f, "/cpus/cpu-map")), FDT_ENOTFOUND);

    assert_true(fdt_node_enabled(&f, uart));
    assert_true(fdt_node_enabled(&f, path(&f, "/soc/uart")));
    assert_false(fdt_node_enabled(&f, path(&f, "/memory@80000000")));

    /* Stringlist edge cases. */
    assert_false(fdt_stringlist_contains("ab\0cd", 5, "cd")); /* unterminated */
    assert_true(fdt_stringlist_contains("ab\0cd", 6, "cd"));
    assert_false(fdt_stringlist_contains("", 0, ""));
}

static void test_compatible_search(void **state)
{
    (void)state;
    struct fdt f;
    open_test_dtb(&f);
    int n = fdt_node_by_compatible(&f, -1, "arm,pl011");
    assert_int_equal(n, path(&f, "/pl011@9000000"));
    n = fdt_node_by_compatible(&f, n, "arm,pl011");
    assert_int_equal(n, path(&f, "/soc/uart@1000"));
    assert_int_equal(fdt_node_by_compatible(&f, n, "arm,pl011"), FDT_ENOTFOUND);
    assert_int_equal(fdt_node_by_compatible(&f, -1, "arm,psci-0.2"), path(&f, "/psci"));
    assert_int_equal(fdt_node_by_compatible(&f, -1, "arm,gic-v3"), FDT_ENOTFOUND);
    assert_int_equal(fdt_node_by_device_type(&f, -1, "cpu"), path(&f, "/cpus/cpu@0"));
}

/* ---- Addresses -------------------------------------------------------------------- */

static void test_reg(void **state)
{
    (void)state;
    struct fdt f;
    open_test_dtb(&f);
    uint64_t a = 0, s = 0;

    assert_int_equal(fdt_reg(&f, path(&f, "/pl011"), 0, &a, &s), 0);
    assert_int_equal(a, 0x09000000);
    assert_int_equal(s, 0x1000);
    assert_int_equal(fdt_reg(&f, path(&f, "/pl011"), 1, &a, &s), FDT_ENOTFOUND);

    int gic = fdt_node_by_compatible(&f, -1, "arm,cortex-a15-gic");
    assert_int_equal(fdt_reg(&f, gic, 1, &a, &s), 0);
    assert_int_equal(a, 0x08010000);
    assert_int_equal(s, 0x10000);

    /* 1/1 cells under /soc. */
    assert_int_equal(fdt_reg(&f, path(&f, "/soc/uart"), 0, &a, &s), 0);
    assert_int_equal(a, 0x1000);
    assert_int_equal(s, 0x100);
    /* 12 bytes is not a whole number of (1+1)-cell entries. */
    assert_int_equal(fdt_reg(&f, path(&f, "/soc/bad@2000"), 0, &a, &s), FDT_EBADVALUE);
    assert_int_equal(fdt_address_cells(&f, path(&f, "/soc/bad@2000")), FDT_EBADVALUE);

    /* #size-cells = 0 under /cpus. */
    s = 99;
    assert_int_equal(fdt_reg(&f, path(&f, "/cpus/cpu@100"), 0, &a, &s), 0);
    assert_int_equal(a, 0x100);
    assert_int_equal(s, 0);
    assert_int_equal(fdt_size_cells(&f, path(&f, "/cpus")), 0);
    assert_int_equal(fdt_address_cells(&f, path(&f, "/cpus")), 1);
    /* Defaults when absent: 2 and 1. */
    assert_int_equal(fdt_address_cells(&f, path(&f, "/psci")), 2);
    assert_int_equal(fdt_size_cells(&f, path(&f, "/psci")), 1);

    assert_int_equal(fdt_reg(&f, path(&f, "/psci"), 0, &a, &s), FDT_ENOTFOUND);
    assert_int_equal(fdt_reg(&f, fdt_root(&f), 0, &a, &s), FDT_EBADVALUE);

    static const uint8_t cells[] = {0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0};
    assert_int_equal(fdt_read_cells(cells, 1), 0x12345678u);
    assert_int_equal(fdt_read_cells(cells, 2), 0x123456789abcdef0ull);
}

/* ---- Queries the boot code makes ----------------------------------------------------- */

static void test_memory(void **state)
{
    (void)state;
    struct fdt f;
    open_test_dtb(&f);
    struct fdt_range banks[4];
    memset(banks, 0xa5, sizeof(banks));
    /* The disabled bank and the zero-size entry are skipped. */
    assert_int_equal(fdt_memory(&f, banks, 4), 3);
    assert_int_equal(banks[0].base, 0x40000000);
    assert_int_equal(banks[0].size, 0x20000000);
    assert_int_equal(banks[1].base, 0x100000000ull);
    assert_int_equal(banks[1].size, 0x10000000);
    assert_int_equal(banks[2].base, 0x300000000ull);
    assert_int_equal(banks[2].size, 0x100000000ull);
    assert_int_equal(banks[3].base, 0xa5a5a5a5a5a5a5a5ull); /* untouched */

    /* Fewer slots: the count is still the total, extra banks not stored. */
    memset(banks, 0xa5, sizeof(banks));
    assert_int_equal(fdt_memory(&f, banks, 1), 3);
    assert_int_equal(banks[0].base, 0x40000000);
    assert_int_equal(banks[1].base, 0xa5a5a5a5a5a5a5a5ull);
}

static void test_chosen(void **state)
{
    (void)state;
    struct fdt f;
    open_test_dtb(&f);
    uint64_t s, e;
    assert_int_equal(fdt_chosen_initrd(&f, &s, &e), 0);
    assert_int_equal(s, 0x48000000); /* 64-bit start */
    assert_int_equal(e, 0x48001234); /* 32-bit end */
    assert_string_equal(fdt_chosen_bootargs(&f), "console=ttyAMA0 quiet");
    /* stdout-path "serial0:115200n8" goes through /aliases. */
    assert_int_equal(fdt_chosen_stdout(&f), path(&f, "/pl011@9000000"));

    uint64_t a, sz;
    assert_int_equal(fdt_mem_rsv(&f, 0, &a, &sz), 0);
    assert_int_equal(a, 0x48000000);
    assert_int_equal(sz, 0x1000);
    assert_int_equal(fdt_mem_rsv(&f, 1, &a, &sz), FDT_ENOTFOUND);
}

static void test_cpus(void **state)
{
    (void)state;
    struct fdt f;
    open_test_dtb(&f);
    uint64_t mpidr[4] = {99, 99, 99, 99};
    /* cpu@100 is disabled and cpu-map is not a cpu. */
    assert_int_equal(fdt_cpus(&f, mpidr, 4), 2);
    assert_int_equal(mpidr[0], 0);
    assert_int_equal(mpidr[1], 1);
    assert_int_equal(mpidr[2], 99);
    assert_int_equal(fdt_cpus(&f, mpidr, 0), 2);
}

/* ---- A tiny DTB builder for trees dtc would not produce ------------------------------ */

struct builder {
    uint8_t st[2048];
    uint32_t nst;
    char str[512];
    uint32_t nstr;
    uint8_t out[4096];
};

static void b_u32(struct builder *b, uint32_t v)
{
    assert_true(b->nst + 4 <= sizeof(b->st));
    put_be32(b->st + b->nst, v);
    b->nst += 4;
}

static void b_bytes(struct builder *b, const void *p, uint32_t n)
{
    assert_true(b->nst + n + 3 <= sizeof(b->st));
    memcpy(b->st + b->nst, p, n);
    b->nst += n;
    while (b->nst & 3)
        b->st[b->nst++] = 0;
}

static void b_begin(struct builder *b, const char *name)
{
    b_u32(b, 1);
    b_bytes(b, name, (uint32_t)strlen(name) + 1);
}

static void b_end(struct builder *b)
{
    b_u32(b, 2);
}

static void b_prop(struct builder *b, const char *name, const void *val, uint32_t len)
{
    uint32_t n = (uint32_t)strlen(name) + 1;
    assert_true(b->nstr + n <= sizeof(b->str));
    memcpy(b->str + b->nstr, name, n);
    b_u32(b, 3);
    b_u32(b, len);
    b_u32(b, b->nstr);
    b->nstr += n;
    b_bytes(b, val, len);
}

static void b_prop_u32(struct builder *b, const char *name, uint32_t v)
{
    uint8_t be[4];
    put_be32(be, v);
    b_prop(b, name, be, 4);
}

/* Header (40 bytes) + empty reservation map (16) + struct + strings. */
static uint32_t b_finish(struct builder *b)
{
    b_u32(b, 9);
    uint32_t off_rsv = 40, off_st = 56, off_str = off_st + b->nst;
    uint32_t total = off_str + b->nstr;
    assert_true(total <= sizeof(b->out));
    memset(b->out, 0, sizeof(b->out));
    put_be32(b->out + 0, FDT_MAGIC);
    put_be32(b->out + 4, total);
    put_be32(b->out + 8, off_st);
    put_be32(b->out + 12, off_str);
    put_be32(b->out + 16, off_rsv);
    put_be32(b->out + 20, 17);
    put_be32(b->out + 24, 16);
    put_be32(b->out + 32, b->nstr);
    put_be32(b->out + 36, b->nst);
    memcpy(b->out + off_st, b->st, b->nst);
    memcpy(b->out + off_str, b->str, b->nstr);
    return total;
}

static void test_builder_deep_nesting(void **state)
{
    (void)state;
    static struct builder b;
    memset(&b, 0, sizeof(b));
    b_begin(&b, "");
    for (int i = 0; i < FDT_MAX_DEPTH + 4; i++)
        b_begin(&b, "n");
    b_prop_u32(&b, "deep", 7);
    for (int i = 0; i < FDT_MAX_DEPTH + 4; i++)
        b_end(&b);
    b_end(&b);
    uint32_t total = b_finish(&b);

    struct fdt f;
    assert_int_equal(fdt_init(&f, b.out, total), 0);
    int n = fdt_root(&f), depth = 0, last = n;
    while ((n = fdt_next_node(&f, n, &depth)) >= 0)
        last = n;
    assert_int_equal(depth, FDT_MAX_DEPTH + 4);
    uint32_t v;
    assert_true(fdt_getprop_u32(&f, last, "deep", &v));
    assert_int_equal(v, 7);
    /* Too deep for the parent stack: refused, not overflowed. */
    assert_int_equal(fdt_parent(&f, last), FDT_EBADSTRUCT);
    uint64_t a, s;
    assert_int_equal(fdt_reg(&f, last, 0, &a, &s), FDT_EBADSTRUCT);
    /* Shallow nodes still work. */
    int first = fdt_first_child(&f, fdt_root(&f));
    assert_int_equal(fdt_parent(&f, first), fdt_root(&f));
}

/* fdt_node_end: just past a node's FDT_END_NODE, subnodes included; the
 * next sibling starts there. */
static void test_builder_node_end(void **state)
{
    (void)state;
    static struct builder b;
    memset(&b, 0, sizeof(b));
    b_begin(&b, "");
    b_begin(&b, "a");
    b_prop_u32(&b, "x", 1);
    b_begin(&b, "child");
    b_end(&b);
    b_end(&b);
    b_begin(&b, "b");
    b_end(&b);
    b_end(&b);
    uint32_t total = b_finish(&b);

    struct fdt f;
    assert_int_equal(fdt_init(&f, b.out, total), 0);
    int a = fdt_path_offset(&f, "/a");
    assert_true(a >= 0);
    assert_int_equal(fdt_node_end(&f, a), fdt_path_offset(&f, "/b"));
    int child = fdt_path_offset(&f, "/a/child");
    assert_int_equal(fdt_node_end(&f, child) + 4, fdt_path_offset(&f, "/b"));
    /* The root ends before FDT_END; a property is no node. */
    assert_int_equal(fdt_node_end(&f, fdt_root(&f)), (int)f.size_struct - 4);
    assert_int_equal(fdt_node_end(&f, a + 8), FDT_EBADSTRUCT);
}

static void test_builder_initrd_forms(void **state)
{
    (void)state;
    static struct builder b;
    struct fdt f;
    uint64_t s, e;
    static const uint8_t two_u64[] = {0, 0, 0, 1, 0, 0, 0, 0};

    /* No /chosen at all. */
    memset(&b, 0, sizeof(b));
    b_begin(&b, "");
    b_end(&b);
    assert_int_equal(fdt_init(&f, b.out, b_finish(&b)), 0);
    assert_int_equal(fdt_chosen_initrd(&f, &s, &e), FDT_ENOTFOUND);
    assert_null(fdt_chosen_bootargs(&f));
    assert_true(fdt_chosen_stdout(&f) < 0);
    assert_int_equal(fdt_memory(&f, NULL, 0), 0);
    assert_true(fdt_cpus(&f, NULL, 0) < 0);

    /* /chosen without initrd properties. */
    memset(&b, 0, sizeof(b));
    b_begin(&b, "");
    b_begin(&b, "chosen");
    b_prop(&b, "stdout-path", "/uart:9600", 11);
    b_end(&b);
    b_begin(&b, "uart");
    b_end(&b);
    b_end(&b);
    assert_int_equal(fdt_init(&f, b.out, b_finish(&b)), 0);
    assert_int_equal(fdt_chosen_initrd(&f, &s, &e), FDT_ENOTFOUND);
    assert_int_equal(fdt_chosen_stdout(&f), fdt_path_offset(&f, "/uart"));

    /* Only a start: malformed. */
    memset(&b, 0, sizeof(b));
    b_begin(&b, "");
    b_begin(&b, "chosen");
    b_prop_u32(&b, "linux,initrd-start", 0x1000);
    b_end(&b);
    b_end(&b);
    assert_int_equal(fdt_init(&f, b.out, b_finish(&b)), 0);
    assert_int_equal(fdt_chosen_initrd(&f, &s, &e), FDT_EBADVALUE);

    /* End before start; then a 3-byte value. */
    memset(&b, 0, sizeof(b));
    b_begin(&b, "");
    b_begin(&b, "chosen");
    b_prop(&b, "linux,initrd-start", two_u64, 8);
    b_prop_u32(&b, "linux,initrd-end", 0x1000);
    b_end(&b);
    b_end(&b);
    assert_int_equal(fdt_init(&f, b.out, b_finish(&b)), 0);
    assert_int_equal(fdt_chosen_initrd(&f, &s, &e), FDT_EBADVALUE);

    memset(&b, 0, sizeof(b));
    b_begin(&b, "");
    b_begin(&b, "chosen");
    b_prop(&b, "linux,initrd-start", two_u64, 3);
    b_prop(&b, "linux,initrd-end", two_u64, 8);
    b_prop(&b, "bootargs", "no-nul", 6);
    b_end(&b);
    b_end(&b);
    assert_int_equal(fdt_init(&f, b.out, b_finish(&b)), 0);
    assert_int_equal(fdt_chosen_initrd(&f, &s, &e), FDT_EBADVALUE);
    assert_null(fdt_chosen_bootargs(&f)); /* not NUL-terminated */
}

static void test_builder_malformed(void **state)
{
    (void)state;
    static struct builder b;
    struct fdt f;

    /* The first token is not BEGIN_NODE. */
    memset(&b, 0, sizeof(b));
    b_u32(&b, 3);
    assert_int_equal(fdt_init(&f, b.out, b_finish(&b)), FDT_EBADSTRUCT);

    /* An unknown token inside a node: walks stop with an error. */
    memset(&b, 0, sizeof(b));
    b_begin(&b, "");
    b_begin(&b, "a");
    b_u32(&b, 7);
    b_end(&b);
    b_end(&b);
    assert_int_equal(fdt_init(&f, b.out, b_finish(&b)), 0);
    int a = fdt_path_offset(&f, "/a");
    assert_true(a >= 0);
    assert_int_equal(fdt_next_node(&f, a, NULL), FDT_EBADSTRUCT);
    assert_int_equal(fdt_node_by_compatible(&f, -1, "x"), FDT_EBADSTRUCT);

    /* Structure block with no END token: the walk runs into the block end. */
    memset(&b, 0, sizeof(b));
    b_begin(&b, "");
    b_begin(&b, "a");
    uint32_t total = b_finish(&b);
    /* b_finish appended END; shrink size_dt_struct to cut it off. */
    put_be32(b.out + 36, get_be32(b.out + 36) - 4);
    assert_int_equal(fdt_init(&f, b.out, total), 0);
    assert_int_equal(fdt_next_node(&f, fdt_path_offset(&f, "/a"), NULL), FDT_ETRUNC);

    /* A node name running to the end of the block without its NUL. */
    memset(&b, 0, sizeof(b));
    b_u32(&b, 1);
    memcpy(b.st + b.nst, "abcd", 4);
    b.nst += 4;
    total = b_finish(&b);
    put_be32(b.out + 36, 8); /* struct = BEGIN_NODE + "abcd" */
    assert_int_not_equal(fdt_init(&f, b.out, total), 0);
}

/* ---- Hostile input: every single-byte corruption, every truncation ---------------- */

/* Run every query; under ASan an out-of-bounds read fails the test. Returns a
 * checksum so the compiler keeps all calls. */
static uint64_t exercise(const struct fdt *f)
{
    uint64_t sum = 0, a, s;
    struct fdt_range banks[4];
    uint64_t mpidr[4];
    int depth = 0;
    unsigned steps = 0;
    for (int n = fdt_root(f); n >= 0 && steps < 1000; n = fdt_next_node(f, n, &depth), steps++) {
        const char *name = fdt_node_name(f, n);
        sum += name ? strlen(name) : 0;
        for (int p = fdt_first_prop(f, n); p >= 0 && steps < 1000;
             p = fdt_next_prop(f, p), steps++) {
            const char *pn;
            const void *v;
            uint32_t len;
            if (fdt_prop_at(f, p, &pn, &v, &len))
                sum += strlen(pn) + len;
        }
        if (fdt_reg(f, n, 0, &a, &s) == 0)
            sum += a + s;
        sum += (uint64_t)fdt_parent(f, n) + fdt_node_enabled(f, n);
    }
    assert_true(steps < 1000); /* every walk ends */
    sum += (uint64_t)fdt_memory(f, banks, 4);
    sum += (uint64_t)fdt_cpus(f, mpidr, 4);
    if (fdt_chosen_initrd(f, &a, &s) == 0)
        sum += a + s;
    const char *args = fdt_chosen_bootargs(f);
    sum += args ? strlen(args) : 0;
    sum += (uint64_t)fdt_chosen_stdout(f);
    sum += (uint64_t)fdt_node_by_compatible(f, -1, "arm,pl011");
    sum += (uint64_t)fdt_path_offset(f, "/cpus/cpu@1");
    for (unsigned i = 0; i < 4; i++)
        if (fdt_mem_rsv(f, i, &a, &s) == 0)
            sum += a + s;
    return sum;
}

static void test_every_byte_corrupted(void **state)
{
    (void)state;
    static const uint8_t values[] = {0x00, 0xff, 0x01, 0x7f, 0x80};
    uint64_t sum = 0;
    unsigned opened = 0;
    for (size_t i = 0; i < sizeof(test_dtb); i++) {
        for (size_t v = 0; v < sizeof(values) + 1; v++) {
            uint8_t *b = copy_dtb();
            b[i] = v < sizeof(values) ? values[v] : (uint8_t)~b[i];
            struct fdt f;
            if (fdt_init(&f, b, sizeof(test_dtb)) == 0) {
                sum += exercise(&f);
                opened++;
            }
            free(b);
        }
    }
    /* Most corruptions are in values and still open: the walk ran for real. */
    assert_true(opened > sizeof(test_dtb) * 3);
    assert_true(sum != 0);
}

static void test_every_truncation(void **state)
{
    (void)state;
    struct fdt f;
    for (size_t n = 0; n < sizeof(test_dtb); n++) {
        /* An exact-size heap copy: ASan flags any read past n. */
        uint8_t *b = malloc(n ? n : 1);
        assert_non_null(b);
        memcpy(b, test_dtb, n);
        assert_int_not_equal(fdt_init(&f, n ? b : NULL, n), 0);
        free(b);
    }
    /* Same bytes, header saying the blob is shorter: every cut is either
     * refused or walked without overrun. */
    for (uint32_t total = 40; total < sizeof(test_dtb); total += 4) {
        uint8_t *b = malloc(total);
        assert_non_null(b);
        memcpy(b, test_dtb, total);
        put_be32(b + 4, total);
        if (fdt_init(&f, b, total) == 0)
            (void)exercise(&f);
        free(b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header_ok),
        cmocka_unit_test(test_header_errors),
        cmocka_unit_test(test_paths),
        cmocka_unit_test(test_tree_walk),
        cmocka_unit_test(test_props),
        cmocka_unit_test(test_compatible_search),
        cmocka_unit_test(test_reg),
        cmocka_unit_test(test_memory),
        cmocka_unit_test(test_chosen),
        cmocka_unit_test(test_cpus),
        cmocka_unit_test(test_builder_deep_nesting),
        cmocka_unit_test(test_builder_node_end),
        cmocka_unit_test(test_builder_initrd_forms),
        cmocka_unit_test(test_builder_malformed),
        cmocka_unit_test(test_every_byte_corrupted),
        cmocka_unit_test(test_every_truncation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
