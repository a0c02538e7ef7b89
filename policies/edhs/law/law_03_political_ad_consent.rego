# METADATA
# title: Consent for political-ad targeting is explicit, separate and revocable
# description: |
#   Where personal data is used to target or deliver political ads, the platform asks for
#   explicit consent specifically for political advertising, separately from any other
#   consent, and lets the user withdraw it as easily as it was given.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/reg/2024/900/oj#art_18
#     description: TTPA Art 18(1)(b)
#   - ref: https://eur-lex.europa.eu/eli/reg/2016/679/oj#art_7
#     description: GDPR Art 7(3)
# custom:
#   id: LAW-03
#   severity: critical
#   aceeeo: [R3, R4]
#   rationale: |
#     Political-ad targeting is lawful only on consent given for that purpose alone; a
#     consent bundled with others, or hard to withdraw, does not let voters choose freely.
#   applies_when: Platforms that accept political ads.
#   remediation: Add a dedicated political-advertising consent, asked separately, with one-step withdrawal.
#   basis: law
#   references:
#   - cites: TTPA Art 18(1)(b)
#     state: unconfirmed
#     note: 'the point letter is not confirmed: Art 18 was not read verbatim; secondary source:
#       Berlin DPA: under Art 18 only allowed if data "von der betroffenen Person selbst erhoben",
#       person "ausdrücklich … eingewilligt hat" [collected from the person; explicit consent]
#       (https://www.datenschutz-berlin.de/pressemitteilung/strengere-regeln-fuer-personalisierte-politische-werbung-im-internet)'
#   - cites: GDPR Art 7(3)
#     state: confirmed
#     words: '"It shall be as easy to withdraw as to give consent."'
#     read_in: the Official Journal text (copy in github.com/kasnder/eur-lex-visualiser, commit
#       0fc8465)
package edhs.law.political_ad_consent

import data.edhs.lib
import rego.v1

default applicable := false

applicable if lib.sells_political_ads

consent_section := ["political_ads", "targeting", "consent"]

explicit_field := array.concat(consent_section, ["explicit"])

separate_field := array.concat(consent_section, ["separate_for_political_ads"])

withdrawal_field := array.concat(consent_section, ["withdrawal_as_easy_as_giving"])

consent_explicit if input.political_ads.targeting.consent.explicit == true

consent_separate if input.political_ads.targeting.consent.separate_for_political_ads == true

withdrawal_as_easy_as_giving if input.political_ads.targeting.consent.withdrawal_as_easy_as_giving == true

deny contains lib.finding(explicit_field, msg) if {
	applicable
	not consent_explicit
	msg := lib.message(
		"political_ads.targeting.consent.explicit is {declared}; the standard requires explicit consent for political-ad targeting",
		{"declared": lib.declared(explicit_field)},
	)
}

deny contains lib.finding(separate_field, msg) if {
	applicable
	not consent_separate
	msg := lib.message(
		"political_ads.targeting.consent.separate_for_political_ads is {declared}; the standard requires a consent asked for political advertising alone, separate from other consents",
		{"declared": lib.declared(separate_field)},
	)
}

deny contains lib.finding(withdrawal_field, msg) if {
	applicable
	not withdrawal_as_easy_as_giving
	msg := lib.message(
		"political_ads.targeting.consent.withdrawal_as_easy_as_giving is {declared}; the standard requires that consent can be withdrawn as easily as it was given",
		{"declared": lib.declared(withdrawal_field)},
	)
}
