/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * DPDK telemetry commands of siprelay-dataplane, answered on the EAL's telemetry socket
 * (dpdk-telemetry.py -f PREFIX): /siprelay/stats, /siprelay/workers, /siprelay/sessions,
 * /siprelay/traces.
 */
#ifndef RELAY_TELEMETRY_H
#define RELAY_TELEMETRY_H

struct relay_runtime;

/* Registers the commands (once per process) and serves rt; -errno on failure. */
int relay_telemetry_attach(struct relay_runtime *rt);
/* Before rt is freed: the commands then answer that the relay is stopping. */
void relay_telemetry_detach(void);

#endif
