# METADATA
# scope: subpackages
# title: Voter information and education
# description: |
#   What voters are told about how their data is used around elections, the controls they
#   have over political ads, and the campaigns that help them protect their privacy and
#   spot manipulation.
# custom:
#   family: EDU
package edhs.edu
