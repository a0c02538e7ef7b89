# METADATA
# title: Targeting uses only data collected from the user
# description: |
#   Political-ad targeting uses only personal data the platform collected from the user
#   itself: no data bought from or supplied by third parties, no data inferred from
#   outside sources, no matching against lists brought from outside.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/reg/2024/900/oj#art_18
#     description: TTPA Art 18(1)(a)
# custom:
#   id: MIN-01
#   severity: critical
#   aceeeo: [R3]
#   rationale: |
#     Voters can only consent to, and control, the data they gave the platform; bought,
#     inferred or matched data builds profiles they never knew about.
#   applies_when: Platforms that accept political ads.
#   remediation: Remove third-party, inferred and advertiser-list sources from political-ad targeting.
#   basis: law
#   references:
#   - cites: TTPA Art 18(1)(a)
#     state: unconfirmed
#     note: 'the point letter is not confirmed: Art 18 was not read verbatim; secondary source:
#       CBH: "Gemäß Art. 18 Abs. 1 … Zunächst muss der … Verantwortliche die personenbezogenen
#       Daten von der betroffenen Person selbst erhoben haben" (https://www.cbh.de/news/verwaltung-wirtschaft/neue-regeln-fuer-politische-werbung-die-transparenz-und-targeting-verordnung-kommt-teil-2/)'
package edhs.min.targeting_data_sources

import data.edhs.lib
import rego.v1

default applicable := false

applicable if lib.sells_political_ads

# The only data source the standard allows for political-ad targeting.
allowed_sources := {"collected_from_user"}

field := ["political_ads", "targeting", "data_sources"]

sources_declared if is_array(input.political_ads.targeting.data_sources)

# The declared sources outside the allowed ones.
other_sources := {source |
	some source in input.political_ads.targeting.data_sources
	not source in allowed_sources
}

deny contains lib.finding(field, msg) if {
	applicable
	not sources_declared
	msg := lib.message(
		"political_ads.targeting.data_sources is not stated; the standard requires the sources of targeting data to be declared, and allows only {allowed}",
		{"allowed": allowed_sources},
	)
}

deny contains lib.finding(field, msg) if {
	applicable
	count(other_sources) > 0
	msg := lib.message(
		"political_ads.targeting.data_sources includes {others}; the standard allows only {allowed} for political-ad targeting",
		{"others": other_sources, "allowed": allowed_sources},
	)
}
