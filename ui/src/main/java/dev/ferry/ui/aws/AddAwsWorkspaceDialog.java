package dev.ferry.ui.aws;

import atlantafx.base.theme.Styles;
import dev.ferry.app.discovery.DiscoveryMatcher;
import dev.ferry.app.discovery.DiscoveryMatchers;
import dev.ferry.app.discovery.DiscoveryType;
import dev.ferry.app.sso.AwsConfigListing;
import dev.ferry.app.sso.AwsProfileInfo;
import dev.ferry.app.sso.SsoSession;
import dev.ferry.app.workspace.AwsWorkspaceSource;
import dev.ferry.ui.fx.Dialogs;
import dev.ferry.ui.fx.Forms;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.binding.StringBinding;
import javafx.scene.control.ButtonBar;
import javafx.scene.Node;
import javafx.scene.control.ButtonType;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.RadioButton;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleGroup;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.TilePane;
import javafx.scene.layout.VBox;
import javafx.stage.Window;

import java.net.URI;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * "Add AWS workspace…": where the workspace's credentials come from, each source with a line that
 * says what it means: IAM Identity Center (a start URL and region typed in, or an
 * {@code [sso-session]} found in ~/.aws/config), an AWS profile (listed from ~/.aws/config and
 * ~/.aws/credentials, not typed), or the default credential chain. Ferry then writes the
 * workspace file itself. Enter adds, Escape cancels.
 */
public final class AddAwsWorkspaceDialog extends Dialog<AddAwsWorkspaceDialog.Choice> {
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d{1,2}");

    /**
     * What the person chose; {@code name} may be empty (the source's own); {@code discovery} the
     * matchers to write (empty: the workspace does not scan for databases).
     */
    public record Choice(String name, AwsWorkspaceSource source, List<DiscoveryMatcher> discovery) {
        public Choice {
            discovery = List.copyOf(discovery);
        }
    }

    public AddAwsWorkspaceDialog(Window owner, AwsConfigListing config) {
        Dialogs.owned(this, owner);
        setTitle("Add AWS workspace");
        setHeaderText("Add an AWS workspace");
        getDialogPane().setId("addAwsWorkspaceDialog");
        ToggleGroup sources = new ToggleGroup();

        RadioButton ic = new RadioButton("IAM Identity Center");
        ic.setId("sourceIdentityCenter");
        ic.setToggleGroup(sources);
        ic.setSelected(true);
        Label icHelp = help("Sign in through your organisation's AWS access portal; its accounts and roles appear by themselves.");
        ComboBox<SsoSession> known = new ComboBox<>();
        known.setId("ssoSessionPicker");
        known.getItems().setAll(config.identityCenterSessions());
        known.setPromptText(known.getItems().isEmpty() ? "No sso-session in ~/.aws/config" : "Or pick one from ~/.aws/config");
        known.setDisable(known.getItems().isEmpty());
        known.setCellFactory(l -> new SessionCell());
        known.setButtonCell(new SessionCell());
        known.setMaxWidth(Double.MAX_VALUE);
        TextField startUrl = new TextField();
        startUrl.setId("ssoStartUrl");
        startUrl.setPromptText("https://acme.awsapps.com/start");
        startUrl.setPrefColumnCount(28);
        TextField region = new TextField();
        region.setId("ssoRegion");
        region.setPromptText("e.g. eu-west-1");
        known.valueProperty().addListener((o, was, now) -> {
            if (now != null) {
                startUrl.setText(now.startUrl());
                region.setText(now.region());
            }
        });

        RadioButton profile = new RadioButton("An AWS profile");
        profile.setId("sourceProfile");
        profile.setToggleGroup(sources);
        Label profileHelp = help("Use the credentials of a profile in ~/.aws/config or ~/.aws/credentials "
                + "(access keys, an SSO profile, a role to assume).");
        ComboBox<AwsProfileInfo> profiles = new ComboBox<>();
        profiles.setId("awsProfilePicker");
        profiles.getItems().setAll(config.profiles());
        profiles.setPromptText(profiles.getItems().isEmpty() ? "No profiles in ~/.aws" : "Pick a profile");
        profiles.setCellFactory(l -> new ProfileCell());
        profiles.setButtonCell(new ProfileCell());
        profiles.setMaxWidth(Double.MAX_VALUE);
        if (profiles.getItems().isEmpty()) {
            profile.setDisable(true);
        }

        RadioButton chain = new RadioButton("The default credential chain");
        chain.setId("sourceDefaultChain");
        chain.setToggleGroup(sources);
        Label chainHelp = help("Environment variables, the default profile or this machine's role, as the AWS CLI finds them.");

        TextField name = new TextField();
        name.setId("awsWorkspaceName");
        name.setPromptText("optional; default: from the source");

        known.disableProperty().bind(ic.selectedProperty().not().or(Bindings.isEmpty(known.getItems())));
        startUrl.disableProperty().bind(ic.selectedProperty().not());
        region.disableProperty().bind(ic.selectedProperty().not());
        profiles.disableProperty().bind(profile.selectedProperty().not());

        StringBinding problem = Bindings.createStringBinding(() -> {
            if (ic.isSelected()) {
                String u = startUrl.getText().trim();
                if (u.isEmpty() && region.getText().isBlank()) {
                    return "";
                }
                if (!isStartUrl(u)) {
                    return "Enter your AWS access portal URL, e.g. https://acme.awsapps.com/start";
                }
                if (!REGION.matcher(region.getText().trim()).matches()) {
                    return "Enter the region of your IAM Identity Center, e.g. eu-west-1";
                }
            }
            return "";
        }, ic.selectedProperty(), startUrl.textProperty(), region.textProperty());
        BooleanBinding valid = Bindings.createBooleanBinding(() -> {
            if (ic.isSelected()) {
                return problem.get().isEmpty() && !startUrl.getText().isBlank();
            }
            if (profile.isSelected()) {
                return profiles.getValue() != null;
            }
            return chain.isSelected();
        }, ic.selectedProperty(), profile.selectedProperty(), chain.selectedProperty(), problem, startUrl.textProperty(),
                profiles.valueProperty());
        Label error = new Label();
        error.setId("awsWorkspaceError");
        error.getStyleClass().addAll(Styles.DANGER, Styles.TEXT_SMALL);
        error.textProperty().bind(problem);

        GridPane icGrid = Forms.grid();
        icGrid.addRow(0, new Label("Start URL"), startUrl);
        icGrid.addRow(1, new Label("Region"), region);
        icGrid.add(known, 1, 2);
        icGrid.add(error, 1, 3);
        GridPane nameGrid = Forms.grid();
        nameGrid.addRow(0, new Label("Workspace name"), name);
        DiscoveryChoice discovery = new DiscoveryChoice();
        // The workspace's region is checked for the scan (and unchecked again when it changes).
        region.textProperty().addListener((o, was, now) -> discovery.preselect(now.trim()));
        profiles.valueProperty().addListener((o, was, now) -> discovery.preselect(now == null ? "" : now.region()));
        Label written = help("Ferry writes the workspace file itself; you can add labels, databases and roles to it later.");
        VBox content = new VBox(8, ic, icHelp, icGrid, profile, profileHelp, profiles, chain, chainHelp, nameGrid,
                discovery.node(), written);
        getDialogPane().setContent(content);
        ButtonType add = new ButtonType("Add", ButtonBar.ButtonData.OK_DONE);
        getDialogPane().getButtonTypes().setAll(add, ButtonType.CANCEL);
        getDialogPane().lookupButton(add).disableProperty().bind(valid.not().or(discovery.valid().not()));
        setOnShown(e -> startUrl.requestFocus());
        setResultConverter(b -> {
            if (b != add) {
                return null;
            }
            AwsWorkspaceSource source;
            if (ic.isSelected()) {
                SsoSession picked = known.getValue();
                boolean same = picked != null && picked.startUrl().equals(startUrl.getText().trim())
                        && picked.region().equals(region.getText().trim());
                source = same && picked.name().isPresent()
                        ? new AwsWorkspaceSource.IdentityCenter("", "", picked.name().get())
                        : new AwsWorkspaceSource.IdentityCenter(startUrl.getText(), region.getText(), "");
            } else if (profile.isSelected()) {
                source = new AwsWorkspaceSource.Profile(profiles.getValue().name());
            } else {
                source = new AwsWorkspaceSource.DefaultChain();
            }
            return new Choice(name.getText().trim(), source, discovery.matchers());
        });
    }

    /**
     * "Find databases": which kinds (RDS and Aurora, Redshift, Redshift Serverless) in which
     * regions, as one {@code discovery:} matcher with every tag; off unless checked.
     */
    private static final class DiscoveryChoice {
        private final CheckBox on = new CheckBox("Find databases in these regions (RDS, Aurora, Redshift)");
        private final Map<DiscoveryType, CheckBox> types = new EnumMap<>(DiscoveryType.class);
        private final Map<String, CheckBox> regions = new LinkedHashMap<>();
        private final VBox box;
        private String preselected = "";

        DiscoveryChoice() {
            on.setId("discoverDatabases");
            type(DiscoveryType.RDS, "RDS and Aurora");
            type(DiscoveryType.REDSHIFT, "Redshift");
            type(DiscoveryType.REDSHIFT_SERVERLESS, "Redshift Serverless");
            HBox kinds = new HBox(12, types.values().toArray(Node[]::new));
            TilePane tiles = new TilePane(8, 4);
            tiles.setPrefColumns(5);
            tiles.setId("discoverRegions");
            for (String r : DiscoveryMatchers.regionsToOffer()) {
                CheckBox c = new CheckBox(r);
                c.setId("discoverRegion-" + r);
                regions.put(r, c);
                tiles.getChildren().add(c);
            }
            // A few rows at a time: the dialog stays on a small screen.
            ScrollPane scroll = new ScrollPane(tiles);
            scroll.setFitToWidth(true);
            scroll.setPrefViewportHeight(84);
            box = new VBox(6, kinds, scroll);
            box.visibleProperty().bind(on.selectedProperty());
            box.managedProperty().bind(on.selectedProperty());
        }

        private void type(DiscoveryType t, String title) {
            CheckBox c = new CheckBox(title);
            c.setId("discoverType-" + t.id());
            c.setSelected(true);
            types.put(t, c);
        }

        Node node() {
            return new VBox(6, on, help("Ferry then lists the databases of the workspace's accounts in these regions "
                    + "(it needs rds:Describe*, redshift:DescribeClusters, redshift-serverless:ListWorkgroups)."), box);
        }

        /** Checks the workspace's region, and unchecks the one checked before for the same reason. */
        void preselect(String region) {
            CheckBox before = regions.get(preselected);
            if (before != null) {
                before.setSelected(false);
            }
            CheckBox now = regions.get(region);
            if (now != null) {
                now.setSelected(true);
            }
            preselected = now != null ? region : "";
        }

        BooleanBinding valid() {
            List<javafx.beans.Observable> deps = new ArrayList<>();
            deps.add(on.selectedProperty());
            types.values().forEach(c -> deps.add(c.selectedProperty()));
            regions.values().forEach(c -> deps.add(c.selectedProperty()));
            return Bindings.createBooleanBinding(() -> !on.isSelected() || !matchers().isEmpty(),
                    deps.toArray(javafx.beans.Observable[]::new));
        }

        List<DiscoveryMatcher> matchers() {
            Set<DiscoveryType> t = EnumSet.noneOf(DiscoveryType.class);
            types.forEach((k, c) -> {
                if (c.isSelected()) {
                    t.add(k);
                }
            });
            List<String> r = regions.entrySet().stream().filter(e -> e.getValue().isSelected()).map(Map.Entry::getKey).toList();
            if (!on.isSelected() || t.isEmpty() || r.isEmpty()) {
                return List.of();
            }
            return List.of(DiscoveryMatcher.of(t, r, null));
        }
    }

    private static boolean isStartUrl(String s) {
        try {
            URI u = new URI(s);
            return "https".equalsIgnoreCase(u.getScheme()) && u.getHost() != null;
        } catch (Exception e) {
            return false;
        }
    }

    private static Label help(String text) {
        Label l = new Label(text);
        l.setWrapText(true);
        l.setMaxWidth(460);
        l.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);
        return l;
    }

    private static final class SessionCell extends ListCell<SsoSession> {
        @Override
        protected void updateItem(SsoSession s, boolean empty) {
            super.updateItem(s, empty);
            setText(empty || s == null ? null : s.name().map(n -> n + " — ").orElse("") + s.startUrl() + " (" + s.region() + ")");
        }
    }

    private static final class ProfileCell extends ListCell<AwsProfileInfo> {
        @Override
        protected void updateItem(AwsProfileInfo p, boolean empty) {
            super.updateItem(p, empty);
            setText(empty || p == null ? null : p.name() + "  (" + kind(p) + ")");
        }

        private static String kind(AwsProfileInfo p) {
            return switch (p.kind()) {
                case ASSUME_ROLE -> "assumes a role";
                case WEB_IDENTITY -> "web identity";
                case SSO -> "IAM Identity Center" + Optional.of(p.ssoAccountId()).filter(a -> !a.isEmpty()).map(a -> ", " + a).orElse("");
                case CREDENTIAL_PROCESS -> "credential process";
                case STATIC_KEYS -> "access keys";
                case NO_CREDENTIALS -> "settings only";
            };
        }
    }
}
