//! The route table. Every route is registered through `Router`, which records who may use it.
//! The rule is taken from the handler's first argument — an access extractor such as
//! `StaffUser` — so a handler without one does not compile, and the rule that is tested is
//! the rule that runs. `route_table()` lists them all for the route × role test.

use actix_web::dev::HttpServiceFactory;
use actix_web::http::Method;
use actix_web::{FromRequest, Handler, Responder, Route, web};

use crate::domain::role::Role;

/// Who may use a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, logged in or not.
    Public,
    /// Any logged-in account.
    Authenticated,
    /// Logged-in accounts holding one of these roles.
    Roles(&'static [Role]),
    /// The JSON API: a bearer API token whose account holds one of these roles. Cookies are
    /// not looked at, so a logged-in browser without a token gets 401.
    Token(&'static [Role]),
}

impl Access {
    pub fn allows(self, roles: &[Role]) -> bool {
        match self {
            Access::Public | Access::Authenticated => true,
            Access::Roles(allowed) | Access::Token(allowed) => roles.iter().any(|r| allowed.contains(r)),
        }
    }
}

/// Implemented by the access extractors (see `auth::extract`).
pub trait AccessRule {
    const ACCESS: Access;
}

/// The access rule of a handler, read from its first argument.
pub trait HandlerAccess {
    const ACCESS: Access;
}

macro_rules! handler_access_for_tuples {
    ($first:ident $(, $rest:ident)*) => {
        impl<$first: AccessRule $(, $rest)*> HandlerAccess for ($first, $($rest,)*) {
            const ACCESS: Access = $first::ACCESS;
        }
    };
}
handler_access_for_tuples!(A);
handler_access_for_tuples!(A, B);
handler_access_for_tuples!(A, B, C);
handler_access_for_tuples!(A, B, C, D);
handler_access_for_tuples!(A, B, C, D, E);
handler_access_for_tuples!(A, B, C, D, E, F);
handler_access_for_tuples!(A, B, C, D, E, F, G);
handler_access_for_tuples!(A, B, C, D, E, F, G, H);

#[derive(Debug, Clone)]
pub struct RouteSpec {
    pub method: Method,
    pub path: &'static str,
    pub access: Access,
}

/// Collects routes (grouped by path, so a wrong method answers 405) and their rules.
#[derive(Default)]
pub struct Router {
    specs: Vec<RouteSpec>,
    resources: Vec<(&'static str, Vec<Route>)>,
}

impl Router {
    pub fn get<F, Args>(&mut self, path: &'static str, handler: F) -> &mut Self
    where
        F: Handler<Args>,
        Args: FromRequest + HandlerAccess + 'static,
        F::Output: Responder + 'static,
    {
        self.add(Method::GET, path, Args::ACCESS, web::get().to(handler))
    }

    pub fn post<F, Args>(&mut self, path: &'static str, handler: F) -> &mut Self
    where
        F: Handler<Args>,
        Args: FromRequest + HandlerAccess + 'static,
        F::Output: Responder + 'static,
    {
        self.add(Method::POST, path, Args::ACCESS, web::post().to(handler))
    }

    fn add(&mut self, method: Method, path: &'static str, access: Access, route: Route) -> &mut Self {
        assert!(
            !self.specs.iter().any(|s| s.method == method && s.path == path),
            "route registered twice: {method} {path}"
        );
        self.specs.push(RouteSpec { method, path, access });
        match self.resources.iter_mut().find(|(p, _)| *p == path) {
            Some((_, routes)) => routes.push(route),
            None => self.resources.push((path, vec![route])),
        }
        self
    }

    pub fn specs(&self) -> &[RouteSpec] {
        &self.specs
    }

    /// The actix services, one resource per path.
    pub fn into_services(self) -> Vec<impl HttpServiceFactory> {
        self.resources
            .into_iter()
            .map(|(path, routes)| routes.into_iter().fold(web::resource(path), |res, route| res.route(route)))
            .collect()
    }
}
