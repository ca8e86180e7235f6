/*  Copyright (C) 2026 mod-mailsrv authors
 *  SPDX-License-Identifier: GPL-3.0-or-later
 */

/*! \file \brief knotd's knotd_qdata_zone_apex_rrset() for programs without
 *        knotd (unit tests, fuzz targets, benchmarks): the zone's apex MX is
 *        the one the program sets. */

#pragma once

#include <libknot/rrset.h>

/*! \brief Sets the apex MX RRset that queries see (NULL: none); the RRset
 *         must live while queries are answered. */
void test_zone_apex_mx(const knot_rrset_t *mx);
