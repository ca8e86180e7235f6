/*  Copyright (C) 2026 mod-mailsrv authors
 *  SPDX-License-Identifier: GPL-3.0-or-later
 */

/*!
 * \file
 *
 * \brief Mail domains by the zone's own data: the apex of a zone is a mail
 *        domain if the configuration says so for every zone ('domain-apex'),
 *        or if its apex MX points at one of the provider's hosts
 *        ('domain-mx'). Both travel to secondaries with the zone (catalog
 *        groups, transfers), so that they need no list.
 *
 * The MX is read from the zone when a query needs it: a change of the MX
 * (a reload, a transfer) changes the membership with the next query.
 */

#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <knot/module.h>

#include "module/name.h"

/*! \brief Which zone apexes are mail domains (opaque). */
typedef struct mailsrv_membership mailsrv_membership_t;

/*!
 * \brief Checks a 'domain-mx' host: a host name, or '*.' and a host name
 *        for every host below it.
 *
 * \retval true if valid.
 */
bool mailsrv_membership_host_check(const uint8_t *host, char reason[MAILSRV_REASON_SIZE]);

/*!
 * \brief Makes the membership rules of a configuration.
 *
 * \param out    Output, NULL if neither rule is set (free with
 *               mailsrv_membership_free()).
 * \param apex   'domain-apex': every apex is a mail domain.
 * \param hosts  'domain-mx' hosts (checked with mailsrv_membership_host_check()).
 * \param count  Number of \a hosts.
 *
 * \return KNOT_EOK, KNOT_ENOMEM.
 */
int mailsrv_membership_new(mailsrv_membership_t **out, bool apex,
                           const uint8_t *const *hosts, size_t count);

void mailsrv_membership_free(mailsrv_membership_t *membership);

/*! \brief Does an MX RRset point at one of the hosts? */
bool mailsrv_membership_mx(const mailsrv_membership_t *membership, const knot_rrset_t *mx);

/*! \brief Is the apex of the query's zone a mail domain by the rules? */
bool mailsrv_membership_apex(const mailsrv_membership_t *membership, knotd_qdata_t *qdata);
