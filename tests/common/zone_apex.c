/*  Copyright (C) 2026 mod-mailsrv authors
 *  SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <libknot/libknot.h>
#include <knot/module.h>

#include "tests/common/zone_apex.h"

static const knot_rrset_t *apex_mx;

void test_zone_apex_mx(const knot_rrset_t *mx)
{
	apex_mx = mx;
}

/* The const came with Knot DNS 3.3.1. */
#if KNOT_VERSION_HEX >= 0x030301
knot_rrset_t knotd_qdata_zone_apex_rrset(const knotd_qdata_t *qdata, uint16_t type)
#else
knot_rrset_t knotd_qdata_zone_apex_rrset(knotd_qdata_t *qdata, uint16_t type)
#endif
{
	(void)qdata;
	knot_rrset_t rrset;
	if (type == KNOT_RRTYPE_MX && apex_mx != NULL) {
		return *apex_mx;
	}
	knot_rrset_init_empty(&rrset);

	return rrset;
}
