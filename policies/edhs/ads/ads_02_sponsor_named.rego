# METADATA
# title: The sponsor is named on the ad
# description: |
#   Each political ad shows who its sponsor is and, where different, the entity that
#   ultimately controls the sponsor.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/reg/2024/900/oj#art_11
#     description: TTPA Art 11(1)(b)
#   - ref: https://eur-lex.europa.eu/eli/reg/2022/2065/oj#art_26
#     description: DSA Art 26(1)(b)–(c)
# custom:
#   id: ADS-02
#   severity: high
#   aceeeo: [R6]
#   rationale: |
#     Voters need to know who is paying for a political message, and who stands behind
#     the payer, to judge it and to hold the sponsor to account.
#   applies_when: Platforms that accept political ads.
#   remediation: Show the sponsor's identity, and its controlling entity where different, on every political ad.
#   basis: law
#   references:
#   - cites: TTPA Art 11(1)(b)
#     state: confirmed
#     words: '"(b) the identity of the sponsor and, where applicable, the entity ultimately
#       controlling the sponsor"'
#     read_in: https://europalov.no/rettsakt/apenhet-malretting-av-politisk-reklame-gjennomforingsbestemmelser-om-merking-av-politiske-annonser/id-33723
#   - cites: DSA Art 26(1)(b)–(c)
#     state: confirmed
#     words: '"(b) … on whose behalf the advertisement is presented; (c) … who paid for the
#       advertisement if … different"'
#     read_in: the Official Journal text (copy in github.com/kasnder/eur-lex-visualiser, commit
#       0fc8465)
package edhs.ads.sponsor_named

import data.edhs.lib
import rego.v1

default applicable := false

applicable if lib.sells_political_ads

field := ["political_ads", "labelling", "sponsor_shown"]

sponsor_shown if input.political_ads.labelling.sponsor_shown == true

deny contains lib.finding(field, msg) if {
	applicable
	not sponsor_shown
	msg := lib.message(
		"political_ads.labelling.sponsor_shown is {declared}; the standard requires every political ad to show its sponsor and, where different, who controls the sponsor",
		{"declared": lib.declared(field)},
	)
}
