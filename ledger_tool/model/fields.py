"""Names the command line needs before anything heavy is imported: `ledger note` options."""

# `ledger note` options and the block fields they fill.
NOTE_FIELDS = {
    "description": "Description",
    "symptoms": "Symptoms",
    "impact": "Impact",
    "investigation": "Investigation",
    "current_status": "Current Status",
    "next_steps": "Next Steps",
    "affected_components": "Affected Components",
    "dependencies": "Dependencies",
    "workarounds": "Workarounds",
    "monitoring": "Monitoring",
    "root_cause": "Root Cause",
    "solution": "Solution",
    "configuration_changes": "Configuration Changes",
    "testing": "Testing",
    "deployment": "Deployment",
    "prevention_measures": "Prevention Measures",
    "related_issues": "Related Issues",
}
