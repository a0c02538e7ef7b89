# METADATA
# title: An election integrity team exists for each covered election
# description: |
#   The platform sets up a dedicated internal team with named responsibility for each
#   election the declaration covers, able to work in every language of those elections
#   and with knowledge of the local context.
# related_resources:
#   - ref: https://digital-strategy.ec.europa.eu/en/library/guidelines-providers-vlops-and-vloses-mitigation-systemic-risks-electoral-processes
#     description: Commission Guidelines C/2024/3014 (election teams)
#   - ref: https://eur-lex.europa.eu/eli/reg/2022/2065/oj#art_35
#     description: DSA Art 35(1)
# custom:
#   id: GOV-04
#   severity: high
#   aceeeo: [R6, R7]
#   rationale: |
#     Threats to an election surface in its own languages and context; a team that cannot
#     read them cannot act on them in time.
#   applies_when: Very large online platforms (DSA Art 33).
#   remediation: Set up the election team and staff it for every election language.
#   basis: law+threshold
#   basis_note: DSA Art 35(1) requires effective mitigation measures; a team for each covered
#     election that speaks every election language is the standard's choice.
#   references:
#   - cites: Commission Guidelines C/2024/3014 (election teams)
#     state: unconfirmed
#     note: 'the number C/2024/3014 was not found in any source read and the guidelines were
#       not read (the Commission page says they were adopted on 26 April 2024); a secondary
#       source supports the substance: Commission press release: "setting up internal teams
#       with adequate resources, using available analysis and information on local context-specific
#       risks" (https://www.miragenews.com/ec-unveils-dsa-guidelines-to-curb-online-1203221/;
#       https://digital-strategy.ec.europa.eu/en/library/guidelines-providers-vlops-and-vloses-mitigation-systemic-risks-electoral-processes)'
#   - cites: DSA Art 35(1)
#     state: confirmed
#     words: '"reasonable, proportionate and effective mitigation measures"; (f) "reinforcing
#       the internal processes, resources …"'
#     read_in: the Official Journal text (copy in github.com/kasnder/eur-lex-visualiser, commit
#       0fc8465)
package edhs.gov.election_integrity_team

import data.edhs.lib
import rego.v1

default applicable := false

applicable if lib.vlop

established_field := ["integrity", "election_team", "established"]

languages_field := ["integrity", "election_team", "languages"]

missing_languages := lib.missing(lib.election_languages, object.get(input, languages_field, []))

team_established if input.integrity.election_team.established == true

covers_every_election_language if lib.covers_election_languages(missing_languages)

deny contains lib.finding(established_field, msg) if {
	applicable
	not team_established
	msg := lib.message(
		"integrity.election_team.established is {declared}; the standard requires a dedicated election team for each covered election",
		{"declared": lib.declared(established_field)},
	)
}

deny contains lib.finding(languages_field, msg) if {
	applicable
	not covers_every_election_language
	msg := lib.message(
		"integrity.election_team.languages is {declared}; the standard requires every language of {source} ({required}); missing: {missing}",
		{
			"declared": lib.declared(languages_field),
			"source": lib.elections_source,
			"required": lib.election_languages,
			"missing": lib.language_gap(missing_languages),
		},
	)
}
