/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <glib.h>

/*
 * File permissions as a user meets them, also when the tests run as root
 * (CI does): root reads a `chmod 000` file and writes in a read-only folder
 * through CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH.  These take the two out
 * of the calling thread's effective set and put them back (they stay
 * permitted); without them, nothing changes.  Capabilities are per thread:
 * the store reads and writes on the thread that calls it.
 *
 * A child process gets them back at exec(): tests-cli starts Tether under
 * `setpriv --bounding-set -dac_override,-dac_read_search` instead.
 */

static inline void
tether_test_set_file_privileges (gboolean on)
{
  struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
  guint32 mask = (1u << CAP_DAC_OVERRIDE) | (1u << CAP_DAC_READ_SEARCH);

  if (syscall (SYS_capget, &header, data) != 0)
    g_error ("capget: %s", g_strerror (errno));
  if (on)
    data[0].effective |= mask & data[0].permitted;
  else
    data[0].effective &= ~mask;
  if (syscall (SYS_capset, &header, data) != 0)
    g_error ("capset: %s", g_strerror (errno));
}

static inline void
tether_test_drop_file_privileges (void)
{
  tether_test_set_file_privileges (FALSE);
}

static inline void
tether_test_restore_file_privileges (void)
{
  tether_test_set_file_privileges (TRUE);
}
