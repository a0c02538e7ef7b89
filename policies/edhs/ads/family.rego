# METADATA
# scope: subpackages
# title: Political advertising transparency
# description: |
#   How political ads are labelled, explained, verified, archived and reported, so that
#   voters, EMBs and authorities can see who pays to influence an election and how.
# custom:
#   family: ADS
package edhs.ads
