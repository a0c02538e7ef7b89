# METADATA
# title: No profiling on special-category data for political ads
# description: |
#   Political ads are never targeted or delivered using profiling based on special
#   categories of personal data (political opinions, religion, ethnic origin, health,
#   sexual orientation, biometrics), whether the data was declared by the user or
#   inferred.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/reg/2024/900/oj#art_18
#     description: TTPA Art 18(1)(c)
#   - ref: https://eur-lex.europa.eu/eli/reg/2022/2065/oj#art_26
#     description: DSA Art 26(3)
# custom:
#   id: TGT-01
#   severity: critical
#   aceeeo: [R3]
#   rationale: |
#     Targeting voters by their opinions, faith or origin is the micro-targeting that
#     EU law bans outright for political ads: it divides the electorate and invites
#     manipulation.
#   applies_when: Platforms that accept political ads.
#   remediation: Remove special-category data and criteria from political-ad targeting.
#   basis: law
#   references:
#   - cites: TTPA Art 18(1)(c)
#     state: unconfirmed
#     note: 'the point letter is not confirmed: Art 18 was not read verbatim; secondary source:
#       Berlin DPA: "kein Profiling auf Basis besonders schützenswerter Daten wie der politischen
#       Meinung" [no profiling on special-category data] (https://www.datenschutz-berlin.de/pressemitteilung/strengere-regeln-fuer-personalisierte-politische-werbung-im-internet)'
#   - cites: DSA Art 26(3)
#     state: confirmed
#     words: '"shall not present advertisements … based on profiling … using special categories
#       of personal data referred to in Article 9(1)"'
#     read_in: the Official Journal text (copy in github.com/kasnder/eur-lex-visualiser, commit
#       0fc8465)
package edhs.tgt.special_category_profiling

import data.edhs.lib
import rego.v1

default applicable := false

applicable if lib.sells_political_ads

usage_field := ["political_ads", "targeting", "uses_special_category_data"]

criteria_field := ["political_ads", "targeting", "criteria"]

no_special_category_data_used if input.political_ads.targeting.uses_special_category_data == false

criteria_declared if is_array(input.political_ads.targeting.criteria)

# The targeting criteria that are special categories of data, or broader categories that
# may contain them.
special_criteria := lib.special_categories(input.political_ads.targeting.criteria)

deny contains lib.finding(usage_field, msg) if {
	applicable
	not no_special_category_data_used
	msg := lib.message(
		"political_ads.targeting.uses_special_category_data is {declared}; the standard forbids profiling on special-category data for political ads",
		{"declared": lib.declared(usage_field)},
	)
}

deny contains lib.finding(criteria_field, msg) if {
	applicable
	not criteria_declared
	msg := "political_ads.targeting.criteria is not stated; the standard requires the targeting criteria to be declared so that special categories of data can be ruled out"
}

deny contains lib.finding(criteria_field, msg) if {
	applicable
	count(special_criteria) > 0
	msg := lib.message(
		"political_ads.targeting.criteria includes special categories of data, or broader categories that may contain them ({special}); the standard forbids them for political ads",
		{"special": special_criteria},
	)
}

# A category the taxonomy does not hold cannot be ruled out either.
deny contains lib.finding(criteria_field, msg) if {
	applicable
	unknown := lib.unknown_categories(input.political_ads.targeting.criteria)
	count(unknown) > 0
	msg := lib.message(
		"political_ads.targeting.criteria includes categories the fideslang taxonomy does not hold ({unknown}); the standard cannot rule out special categories of data among them",
		{"unknown": unknown},
	)
}
