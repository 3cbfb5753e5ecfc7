enum _CRMServerPlaceholder {}
