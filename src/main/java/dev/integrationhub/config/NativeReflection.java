package dev.integrationhub.config;

import com.google.api.client.googleapis.json.GoogleJsonError;
import com.google.api.client.googleapis.json.GoogleJsonErrorContainer;
import com.google.api.services.drive.Drive;
import com.google.api.services.drive.DriveRequest;
import com.google.api.services.drive.model.ClientEncryptionDetails;
import com.google.api.services.drive.model.ContentRestriction;
import com.google.api.services.drive.model.DecryptionMetadata;
import com.google.api.services.drive.model.DownloadRestriction;
import com.google.api.services.drive.model.DownloadRestrictionsMetadata;
import com.google.api.services.drive.model.File;
import com.google.api.services.drive.model.Label;
import com.google.api.services.drive.model.LabelField;
import com.google.api.services.drive.model.Permission;
import com.google.api.services.drive.model.User;
import com.google.api.services.gmail.Gmail;
import com.google.api.services.gmail.GmailRequest;
import com.google.api.services.gmail.model.ClassificationLabelFieldValue;
import com.google.api.services.gmail.model.ClassificationLabelValue;
import com.google.api.services.gmail.model.Message;
import com.google.api.services.gmail.model.MessagePart;
import com.google.api.services.gmail.model.MessagePartBody;
import com.google.api.services.gmail.model.MessagePartHeader;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What a native executable must keep for reflection that Quarkus cannot see. Google's API clients read and write
 * their JSON models, a request's query parameters and every error answer through reflection on {@code @Key} fields
 * (and instantiate the models reflectively), so each such type the hub's Gmail and Drive calls can meet is listed:
 * the models they send and receive with every type their fields can hold, the two requests with their services'
 * common parameters, and the error answer. {@code NativeReflectionTest} keeps the list equal to what those calls
 * reach. (Google's own jars register {@code GenericJson} and {@code HttpHeaders}; the hub's Jackson types that are
 * not REST signatures carry {@code @RegisterForReflection} themselves; Tink needs nothing: it parses keys with
 * generated protobuf code, and its only reflection, an optional Conscrypt lookup, falls back when absent.) On the
 * JVM this does nothing.
 */
@RegisterForReflection(targets = {
        Gmail.Users.Messages.Send.class, GmailRequest.class,
        Message.class, MessagePart.class, MessagePartBody.class, MessagePartHeader.class,
        ClassificationLabelValue.class, ClassificationLabelFieldValue.class,
        Drive.Files.Create.class, DriveRequest.class,
        File.class, File.Capabilities.class, File.ContentHints.class, File.ContentHints.Thumbnail.class,
        File.ImageMediaMetadata.class, File.ImageMediaMetadata.Location.class, File.LabelInfo.class,
        File.LinkShareMetadata.class, File.ShortcutDetails.class, File.VideoMediaMetadata.class,
        ClientEncryptionDetails.class, DecryptionMetadata.class, ContentRestriction.class, DownloadRestriction.class,
        DownloadRestrictionsMetadata.class, Label.class, LabelField.class, User.class,
        Permission.class, Permission.PermissionDetails.class, Permission.TeamDrivePermissionDetails.class,
        GoogleJsonErrorContainer.class, GoogleJsonError.class, GoogleJsonError.ErrorInfo.class,
        GoogleJsonError.Details.class, GoogleJsonError.ParameterViolations.class })
final class NativeReflection {

    private NativeReflection() {
    }
}
