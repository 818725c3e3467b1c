/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tether-error.h"

G_DEFINE_QUARK (tether-error-quark, tether_error)
