# METADATA
# scope: subpackages
# title: Incident response and EMB cooperation
# description: |
#   How the platform handles breaches and incidents, and how it works with election
#   management bodies when something threatens an election.
# custom:
#   family: INC
package edhs.inc
