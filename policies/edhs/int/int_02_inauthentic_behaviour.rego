# METADATA
# title: Coordinated inauthentic behaviour is detected and reported
# description: |
#   The platform detects and removes coordinated inauthentic behaviour, fake accounts and
#   bots aimed at elections, and publishes reports on what it found several times a year.
# related_resources:
#   - ref: https://digital-strategy.ec.europa.eu/en/policies/code-practice-disinformation
#     description: Code of Practice on Disinformation, commitment 14 (integrity of services)
#   - ref: https://eur-lex.europa.eu/eli/reg/2022/2065/oj#art_34
#     description: DSA Art 34–35
# custom:
#   id: INT-02
#   severity: high
#   aceeeo: [R7]
#   rationale: |
#     Networks of fake accounts distort what voters believe others think; public takedown
#     reports let EMBs and researchers see the threat and check the response.
#   applies_when: Always.
#   remediation: Detect coordinated inauthentic behaviour and publish takedown reports.
#   basis: law+threshold
#   basis_note: DSA Art 34-35 require very large platforms to address manipulation of their
#     service; two public reports a year is the standard's choice.
#   references:
#   - cites: Code of Practice on Disinformation, commitment 14 (integrity of services)
#     state: unconfirmed
#     note: the commitment number and text were not read
#   - cites: DSA Art 34–35
#     state: confirmed
#     words: 'Art 34(2): "intentional manipulation of their service, including by inauthentic
#       use or automated exploitation of the service"'
#     read_in: the Official Journal text (copy in github.com/kasnder/eur-lex-visualiser, commit
#       0fc8465)
package edhs.int.inauthentic_behaviour

import data.edhs.lib
import rego.v1

default applicable := true

min_reports := data.edhs.params.min_cib_reports_per_year

detection_field := ["integrity", "inauthentic_behaviour", "detection"]

reports_field := ["integrity", "inauthentic_behaviour", "public_reports_per_year"]

detects_inauthentic_behaviour if input.integrity.inauthentic_behaviour.detection == true

reports_often_enough if {
	reports := input.integrity.inauthentic_behaviour.public_reports_per_year
	is_number(reports)
	reports >= min_reports
}

deny contains lib.finding(detection_field, msg) if {
	not detects_inauthentic_behaviour
	msg := lib.message(
		"integrity.inauthentic_behaviour.detection is {declared}; the standard requires coordinated inauthentic behaviour aimed at elections to be detected and removed",
		{"declared": lib.declared(detection_field)},
	)
}

deny contains lib.finding(reports_field, msg) if {
	not reports_often_enough
	msg := lib.limit_message("min_cib_reports_per_year", 
		"integrity.inauthentic_behaviour.public_reports_per_year is {declared}; the standard requires at least {limit} public reports a year",
		{"declared": lib.declared(reports_field), "limit": min_reports},
	)
}
