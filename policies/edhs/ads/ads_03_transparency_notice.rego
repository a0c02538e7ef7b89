# METADATA
# title: Each ad links to a complete transparency notice
# description: |
#   Each political ad links to a transparency notice that gives at least the sponsor's
#   identity and contact, the period of dissemination, the amounts spent and other
#   benefits, the sources of the funds, the election or referendum concerned, whether
#   targeting was used, and how to report a non-compliant ad.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/reg/2024/900/oj#art_11
#     description: TTPA Art 11(1)(e)
#   - ref: https://eur-lex.europa.eu/eli/reg/2024/900/oj#art_12
#     description: TTPA Art 12(1)
# custom:
#   id: ADS-03
#   severity: high
#   aceeeo: [R6]
#   rationale: |
#     The notice is where voters, journalists and EMBs find who paid how much, from
#     which funds and to reach whom; an incomplete notice hides exactly that.
#   applies_when: Platforms that accept political ads.
#   remediation: Add every required item to the transparency notice.
#   basis: law
#   references:
#   - cites: TTPA Art 11(1)(e)
#     state: confirmed
#     words: 'Art 12(1): "the transparency notice referred to in Article 11(1), point (e)";
#       Implementing Regulation (EU) 2025/1410, recital 2, says the same'
#     read_in: TTPA Art 12(1) in English, CELEX 32024R0900 (https://fantasticsearch.net/law/eu/en?article=1&id=C20lZpsB1anJoctMn1XG);
#       https://eur-lex.europa.eu/legal-content/DE/TXT/HTML/?uri=OJ%3AL_202501410
#   - cites: TTPA Art 12(1)
#     state: confirmed
#     words: '"(c) the period …; (d) the aggregated amounts …; (e) … public or private origin
#       … inside or outside the Union"'
#     read_in: https://fantasticsearch.net/law/eu/en?article=1&id=C20lZpsB1anJoctMn1XG
package edhs.ads.transparency_notice

import data.edhs.lib
import rego.v1

default applicable := false

applicable if lib.sells_political_ads

field := ["political_ads", "transparency_notice", "fields"]

required_fields := {name | some name in data.edhs.params.required_notice_fields}

missing_fields := lib.missing(required_fields, object.get(input, field, []))

notice_complete if count(missing_fields) == 0

deny contains lib.finding(field, msg) if {
	applicable
	not notice_complete
	msg := lib.limit_message(
		"required_notice_fields",
		"political_ads.transparency_notice.fields is {declared}; the standard requires a complete transparency notice; missing: {missing}",
		{"declared": lib.declared(field), "missing": missing_fields},
	)
}
