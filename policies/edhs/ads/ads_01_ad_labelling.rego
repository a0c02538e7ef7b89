# METADATA
# title: Every political ad is labelled
# description: |
#   Each political ad carries a clear, prominent label saying that it is a political
#   advertisement, and the label is shown in every format in which the platform serves
#   political ads.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/reg/2024/900/oj#art_11
#     description: TTPA Art 11(1)(a)
#   - ref: https://eur-lex.europa.eu/eli/reg/2022/2065/oj#art_26
#     description: DSA Art 26(1)(a)
#   - ref: https://eur-lex.europa.eu/eli/reg/2024/900/oj#art_11
#     description: TTPA Art 11(3) (labels)
#   - ref: https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=OJ:L_202501410
#     description: Commission Implementing Regulation (EU) 2025/1410 (label format)
# custom:
#   id: ADS-01
#   severity: high
#   aceeeo: [R6]
#   rationale: |
#     Voters can only weigh a message for what it is when they can tell, in every
#     format, that it is paid political advertising.
#   applies_when: Platforms that accept political ads.
#   remediation: Show the political-advertisement label in every format political ads are served in.
#   basis: law
#   references:
#   - cites: TTPA Art 11(1)(a)
#     state: confirmed
#     words: 'Art 11(1) as quoted in Implementing Regulation (EU) 2025/1410, recital 3: "(a) a statement that it is a political
#       advertisement"'
#     read_in: https://europalov.no/rettsakt/apenhet-malretting-av-politisk-reklame-gjennomforingsbestemmelser-om-merking-av-politiske-annonser/id-33723
#   - cites: DSA Art 26(1)(a)
#     state: confirmed
#     words: '"that the information is an advertisement, including through prominent markings"'
#     read_in: the Official Journal text (copy in github.com/kasnder/eur-lex-visualiser, commit
#       0fc8465)
#   - cites: TTPA Art 11(3) (labels)
#     state: unconfirmed
#     note: added on the reference review's advice; the text of Art 11(3) was not read
#   - cites: Commission Implementing Regulation (EU) 2025/1410 (label format)
#     state: unconfirmed
#     note: only recitals 2–3 were read (they quote TTPA Art 11(1)); the articles that set the
#       label format were not read
package edhs.ads.ad_labelling

import data.edhs.lib
import rego.v1

default applicable := false

applicable if lib.sells_political_ads

label_field := ["political_ads", "labelling", "label_shown"]

served_field := ["political_ads", "formats"]

labelled_field := ["political_ads", "labelling", "formats"]

served_formats := {format | some format in input.political_ads.formats}

missing_formats := lib.missing(served_formats, object.get(input, labelled_field, []))

label_shown if input.political_ads.labelling.label_shown == true

# The formats political ads are served in must be stated, or their labelling cannot be
# checked: an empty list would leave nothing to label, just as a missing one.
served_formats_stated if count(served_formats) > 0

covers_every_format if count(missing_formats) == 0

deny contains lib.finding(label_field, msg) if {
	applicable
	not label_shown
	msg := lib.message(
		"political_ads.labelling.label_shown is {declared}; the standard requires every political ad to carry a clear political-advertisement label",
		{"declared": lib.declared(label_field)},
	)
}

deny contains lib.finding(served_field, msg) if {
	applicable
	not served_formats_stated
	msg := lib.message(
		"political_ads.formats is {declared}; the standard requires the declaration to list every format political ads are served in, so that their labelling can be checked",
		{"declared": lib.declared(served_field)},
	)
}

deny contains lib.finding(labelled_field, msg) if {
	applicable
	not covers_every_format
	msg := lib.message(
		"political_ads.labelling.formats is {declared}; the standard requires the label in every format political ads are served in ({required}); missing: {missing}",
		{
			"declared": lib.declared(labelled_field),
			"required": served_formats,
			"missing": missing_formats,
		},
	)
}
