import type { TSchema } from '@sinclair/typebox';
import { VerifyResponse } from '../presenters/verify-view.js';
import { AuditEventPage, AuditView } from './audit-schemas.js';
import { SignInBody, SignInResponse } from './auth-schemas.js';
import { ErrorBody } from './common.js';
import { OAUTH_SCHEMAS } from '../routes/oauth/oauth-schemas.js';
import {
  AcceptedInvitationView,
  AcceptInvitationBody,
  AcceptWithNewAccountBody,
  CreateInvitationBody,
  InvitationPage,
  InvitationView,
  InvitationWithTokenView,
} from './invitation-schemas.js';
import {
  BulkBody,
  BulkResponse,
  CreateKeyBody,
  CreateTokenBody,
  KeyPage,
  KeyView,
  KeyWithSecretView,
  RegenerateBody,
  TokenPage,
  TokenView,
  TokenWithSecretView,
  UpdateKeyBody,
  UpdateTokenBody,
  UsageView,
  VerifyBody,
} from './key-schemas.js';
import { MemberPage, MemberView, UpdateMemberBody } from './member-schemas.js';
import { CreateOrganizationBody, OrganizationList, OrganizationView } from './organization-schemas.js';
import { CatalogEntryView, CatalogView, DeclarePermissionBody } from './permission-schemas.js';
import { CreateProjectBody, ProjectPage, ProjectView, UpdateProjectBody } from './project-schemas.js';
import { Health, Readiness, SetupBody, SetupResult, SetupStatus } from './system-schemas.js';
import { TokenFormatsView } from './token-format-schemas.js';
import { WhoamiView } from './whoami-schemas.js';

/**
 * Every named schema: added to the app (and so to components.schemas of the OpenAPI document, under its $id)
 * and to both validators, in one list. Routes refer to them with Type.Ref, never inline them.
 */
export const COMPONENT_SCHEMAS: readonly TSchema[] = [
  ErrorBody,
  ...OAUTH_SCHEMAS,
  TokenFormatsView,
  KeyView,
  KeyWithSecretView,
  KeyPage,
  TokenView,
  TokenWithSecretView,
  TokenPage,
  CreateKeyBody,
  UpdateKeyBody,
  CreateTokenBody,
  UpdateTokenBody,
  RegenerateBody,
  BulkBody,
  BulkResponse,
  UsageView,
  VerifyBody,
  VerifyResponse,
  ProjectView,
  ProjectPage,
  CreateProjectBody,
  UpdateProjectBody,
  MemberView,
  MemberPage,
  UpdateMemberBody,
  InvitationView,
  InvitationPage,
  InvitationWithTokenView,
  CreateInvitationBody,
  AcceptInvitationBody,
  AcceptWithNewAccountBody,
  AcceptedInvitationView,
  OrganizationView,
  OrganizationList,
  CreateOrganizationBody,
  CatalogEntryView,
  CatalogView,
  DeclarePermissionBody,
  AuditView,
  AuditEventPage,
  SignInBody,
  SignInResponse,
  WhoamiView,
  SetupBody,
  SetupResult,
  SetupStatus,
  Health,
  Readiness,
];
