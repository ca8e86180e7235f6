/*  Copyright (C) 2026 mod-mailsrv authors
 *  SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdio.h>
#include <string.h>

#include "module/zone_checks.h"

#define C_DNSSEC_SIGNING	"\x0e""dnssec-signing"
#define C_MODULE		"\x06""module"
#define C_MOD_ONLINESIGN	"\x0e""mod-onlinesign"
#define C_NSEC_BITMAP		"\x0b""nsec-bitmap"

#define MAILSRV_NAME		"mod-mailsrv"
#define ONLINESIGN_NAME		"mod-onlinesign"

/*! \brief Is a zone 'module' value ([len]name[id\\0]) a module of \a name? */
static bool ref_is(const knotd_conf_val_t *ref, const char *name)
{
	size_t len = strlen(name);
	return ref->data_len > len && ref->data[0] == len &&
	       memcmp(ref->data + 1, name, len) == 0;
}

/*! \brief Does onlinesign's nsec-bitmap (of the module id in \a ref) hold \a type? */
static bool bitmap_has(knotd_mod_t *mod, const knotd_conf_val_t *ref, const char *type)
{
	// Without an id, onlinesign runs with its defaults: A and AAAA.
	size_t name_size = 1 + ref->data[0];
	if (ref->data_len <= name_size) {
		return false;
	}
	knotd_conf_t id = { .single = { .data = ref->data + name_size,
	                                .data_len = ref->data_len - name_size },
	                    .count = 1 };
	knotd_conf_t bitmap = knotd_conf(mod, C_MOD_ONLINESIGN, C_NSEC_BITMAP, &id);
	bool found = false;
	for (size_t i = 0; i < bitmap.count && !found; i++) {
		found = strcasecmp(bitmap.multi[i].string, type) == 0;
	}
	knotd_conf_free(&bitmap);

	return found;
}

/*! \brief Record types a zone's instance answers (the first 32: more are
 *         not checked). */
typedef struct {
	uint16_t types[32];
	size_t count;
} types_t;

/*! \brief Notes an RRset's type once (mailsrv_templates_each()). */
static void note_type(const mailsrv_rrset_t *rrset, void *ctx)
{
	types_t *found = ctx;
	uint16_t type = mailsrv_rrset_type(rrset);
	for (size_t i = 0; i < found->count; i++) {
		if (found->types[i] == type) {
			return;
		}
	}
	if (found->count < sizeof(found->types) / sizeof(found->types[0])) {
		found->types[found->count++] = type;
	}
}

/*!
 * \brief Warns about each type answered that onlinesign's NODATA proofs
 *        would deny. Not CNAME: a CNAME owner has no NODATA answer, and
 *        validators refuse a NODATA proof whose bitmap has CNAME.
 */
static void check_bitmap(knotd_mod_t *mod, const knotd_conf_val_t *ref,
                         const mailsrv_answer_conf_t *answer)
{
	types_t found = { .count = 0 };
	mailsrv_templates_each(answer->templates, note_type, &found);
	for (size_t i = 0; i < found.count; i++) {
		char type[16];
		knot_rrtype_to_string(found.types[i], type, sizeof(type));
		if (found.types[i] == KNOT_RRTYPE_CNAME || bitmap_has(mod, ref, type)) {
			continue;
		}
		knotd_mod_log(mod, LOG_WARNING, "%s records are denied by NSEC (%s not in "
		              "mod-onlinesign's nsec-bitmap), resolvers with aggressive NSEC "
		              "will not find them; add %s to nsec-bitmap", type, type, type);
	}
}

knotd_conf_t mailsrv_zone_modules(knotd_mod_t *mod)
{
	return knotd_conf_zone(mod, C_MODULE, knotd_mod_zone(mod));
}

const uint8_t *mailsrv_zone_module_id(const knotd_conf_t *modules, size_t *len)
{
	const uint8_t *id = NULL;
	for (size_t i = 0; i < modules->count; i++) {
		const knotd_conf_val_t *ref = &modules->multi[i];
		if (!ref_is(ref, MAILSRV_NAME)) {
			continue;
		}
		size_t name_size = 1 + ref->data[0];
		if (id != NULL || ref->data_len <= name_size) {
			return NULL; // Two instances, or one without an id.
		}
		id = ref->data + name_size;
		*len = ref->data_len - name_size;
	}

	return id;
}

void mailsrv_check_zone(knotd_mod_t *mod, const knotd_conf_t *modules,
                        const mailsrv_answer_conf_t *answer)
{
	const knot_dname_t *zone = knotd_mod_zone(mod);

	if (knotd_conf_zone(mod, C_DNSSEC_SIGNING, zone).single.boolean) {
		knotd_mod_log(mod, LOG_WARNING, "synthesized records are not signed "
		              "(zone signed by knotd, dnssec-signing: on), validating "
		              "resolvers will reject them; sign the zone with "
		              "mod-onlinesign listed after mod-mailsrv instead");
	}

	// Hooks of one stage run in the order of the zone's 'module' list.
	bool mailsrv_seen = false;
	for (size_t i = 0; i < modules->count; i++) {
		const knotd_conf_val_t *ref = &modules->multi[i];
		if (ref_is(ref, MAILSRV_NAME)) {
			mailsrv_seen = true;
		} else if (ref_is(ref, ONLINESIGN_NAME) && !mailsrv_seen) {
			knotd_mod_log(mod, LOG_WARNING, "synthesized records are not signed "
			              "(mod-onlinesign listed before mod-mailsrv), validating "
			              "resolvers will reject them; list mod-mailsrv first");
		} else if (ref_is(ref, ONLINESIGN_NAME)) {
			// Other types' NODATA proofs must not deny what the module answers.
			check_bitmap(mod, ref, answer);
		}
	}
}

void mailsrv_check_knotd(knotd_mod_t *mod)
{
	// Before 3.2.10, a configuration transaction that reuses modules (one
	// that changes only zones) leaves zones without their shared modules
	// ("failed to open"): knot commit 1b8a3c5a1. The version reads
	// "Knot DNS 3.2.6".
	unsigned major = 0, minor = 0, patch = 0;
	const char *version = knotd_conf_env(mod, KNOTD_CONF_ENV_VERSION).single.string;
	if (version == NULL || sscanf(version, "Knot DNS %u.%u.%u", &major, &minor, &patch) != 3) {
		return;
	}
	if (major == 3 && minor == 2 && patch < 10) {
		knotd_mod_log(mod, LOG_WARNING, "%s drops this module from zones on "
		              "'knotc conf-commit' of zone-only changes (fixed in 3.2.10), "
		              "change zones with 'knotc reload' instead", version);
	}
}
