/**
 * Authorization with Mesos-style ACLs: {@link io.meso.security.acl.Acls} reads an ACL file in
 * Mesos's JSON format and decides, as Mesos's local authorizer does, whether a principal may do an
 * {@link io.meso.security.acl.AclAction} on an object; {@link io.meso.security.acl.Secrets}
 * redacts secret values before anything is shown or logged. The doors and the master enforce the
 * decisions where the objects are known.
 */
package io.meso.security.acl;
