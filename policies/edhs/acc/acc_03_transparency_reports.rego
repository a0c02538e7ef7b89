# METADATA
# title: Transparency reports include an election section
# description: |
#   The platform publishes periodic transparency reports (every six months for a very
#   large platform, at least yearly otherwise) with a section on election-related
#   moderation and advertising figures.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/reg/2022/2065/oj#art_15
#     description: DSA Art 15
#   - ref: https://eur-lex.europa.eu/eli/reg/2022/2065/oj#art_24
#     description: DSA Art 24
#   - ref: https://eur-lex.europa.eu/eli/reg/2022/2065/oj#art_42
#     description: DSA Art 42
# custom:
#   id: ACC-03
#   severity: medium
#   aceeeo: [R6]
#   rationale: |
#     Published figures on election-related moderation and ads let EMBs and voters judge
#     what the platform actually did, not only what it promised.
#   applies_when: Always.
#   remediation: Publish transparency reports often enough and add an election section.
#   basis: law+threshold
#   basis_note: DSA Art 15, 24 and 42 require transparency reports; a section on election-related
#     moderation and ads is the standard's choice.
#   references:
#   - cites: DSA Art 15
#     state: confirmed
#     words: '"at least once a year, clear, easily comprehensible reports on any content moderation"'
#     read_in: the Official Journal text (copy in github.com/kasnder/eur-lex-visualiser, commit
#       0fc8465)
#   - cites: DSA Art 24
#     state: confirmed
#     words: '"In addition to the information referred to in Article 15, providers of online
#       platforms shall include in the reports"'
#     read_in: the Official Journal text (copy in github.com/kasnder/eur-lex-visualiser, commit
#       0fc8465)
#   - cites: DSA Art 42
#     state: confirmed
#     words: 'Art 42(1): "and thereafter at least every six months"'
#     read_in: the Official Journal text (copy in github.com/kasnder/eur-lex-visualiser, commit
#       0fc8465)
package edhs.acc.transparency_reports

import data.edhs.lib
import rego.v1

default applicable := true

reports_field := ["transparency", "reports_per_year"]

section_field := ["transparency", "includes_election_section"]

vlop if lib.vlop

# Very large platforms report every six months (DSA Art 42), others at least yearly.
min_reports := data.edhs.params.min_transparency_reports_per_year_vlop if vlop

min_reports := data.edhs.params.min_transparency_reports_per_year if not vlop

# The parameter in force, so a message can name its source.
min_reports_param := "min_transparency_reports_per_year_vlop" if vlop

min_reports_param := "min_transparency_reports_per_year" if not vlop

platform_kind := "a very large online platform" if vlop

platform_kind := "a platform that is not a very large online platform" if not vlop

reports_often_enough if {
	reports := input.transparency.reports_per_year
	is_number(reports)
	reports >= min_reports
}

reports_have_election_section if input.transparency.includes_election_section == true

deny contains lib.finding(reports_field, msg) if {
	not reports_often_enough
	msg := lib.limit_message(
		min_reports_param,
		"transparency.reports_per_year is {declared}; the standard requires {kind} to publish at least {limit} reports per year",
		{"declared": lib.declared(reports_field), "limit": min_reports, "kind": platform_kind},
	)
}

deny contains lib.finding(section_field, msg) if {
	not reports_have_election_section
	msg := lib.message(
		"transparency.includes_election_section is {declared}; the standard requires the reports to have a section on election-related moderation and ads",
		{"declared": lib.declared(section_field)},
	)
}
