/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Where in the config file a load error is: rte_cfgfile says only that a file does not
 * parse, and the setting parsers say "[section] key: reason". This finds the line, so
 * that an operator reloading a broken file reads "FILE:LINE: reason".
 */
#ifndef RELAY_CONFIG_WHERE_H
#define RELAY_CONFIG_WHERE_H

#include <stddef.h>

/*
 * out = "PATH:LINE: reason". The first line rte_cfgfile refuses (a section header
 * without ']', a setting before any section) wins; else the line of the
 * "[section] key" that reason names, else that section's header, else "PATH: reason".
 */
void relay_config_where(const char *path, const char *reason, char *out, size_t len);

#endif
