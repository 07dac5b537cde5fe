package dev.ferry.app.sso;

import dev.ferry.app.model.AppResource;
import dev.ferry.app.model.AwsPartition;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One AWS account the person may use through IAM Identity Center, with the roles (permission
 * sets) they hold in it. When its roles could not be listed, {@code error} says why in plain
 * words and {@code roles} is empty: one failing account never empties the list.
 */
public record SsoAccount(String accountId, String accountName, String emailAddress, List<String> roles, String error) {
    public static final String ACCOUNT_NAME_LABEL = "account_name";
    public static final String EMAIL_LABEL = "email";

    public SsoAccount {
        accountName = accountName == null || accountName.isBlank() ? accountId : accountName;
        emailAddress = emailAddress == null ? "" : emailAddress;
        roles = roles == null ? List.of() : List.copyOf(roles);
        error = error == null ? "" : error;
    }

    public boolean failed() {
        return !error.isEmpty();
    }

    /** The labels of the account's console app: {@code aws_account_id}, {@code account_name}, {@code email}. */
    public Map<String, String> labels() {
        Map<String, String> l = new LinkedHashMap<>();
        l.put(AppResource.ACCOUNT_LABEL, accountId);
        l.put(ACCOUNT_NAME_LABEL, accountName);
        if (!emailAddress.isEmpty()) {
            l.put(EMAIL_LABEL, emailAddress);
        }
        return l;
    }

    /**
     * The account as an AWS console app (named after the account; names are not unique across an
     * organisation, so a caller listing several sessions or same-named accounts must tell them
     * apart). The console is the partition's of the Identity Center region.
     */
    public AppResource consoleApp(String identityCenterRegion) {
        AwsPartition p = identityCenterRegion.startsWith("us-gov-") ? AwsPartition.AWS_US_GOV
                : identityCenterRegion.startsWith("cn-") ? AwsPartition.AWS_CN : AwsPartition.AWS;
        return new AppResource(accountName, "AWS account " + accountId + (emailAddress.isEmpty() ? "" : " (" + emailAddress + ")"),
                "https://" + p.consoleHost() + "/", "", labels(), "AWS", "");
    }
}
