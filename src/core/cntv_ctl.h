/*
 * CNTV_CTL, the EL1 / PL1 virtual timer's control register (Arm ARM
 * D13.8.x CNTV_CTL_EL0; ARMv7-A ARM B4.1.25 CNTV_CTL): the same three bits
 * on every arch. Definitions only, so the hypervisor, its tests and the
 * test guests share them.
 */
#ifndef CORE_CNTV_CTL_H
#define CORE_CNTV_CTL_H

#define CNTV_CTL_ENABLE  (1u << 0) /* the timer counts down / compares */
#define CNTV_CTL_IMASK   (1u << 1) /* the interrupt output is masked */
#define CNTV_CTL_ISTATUS (1u << 2) /* read-only: the timer condition is met */

#endif
